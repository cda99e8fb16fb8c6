"""Every route and every dependency it resolves is a coroutine: FastAPI runs a plain function in a worker
thread, a hand-off per dependency per request that cost the busiest services about a tenth of their
CPU."""

import inspect
from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Mount

from backbone.app import create_app
from backbone.settings import Settings
from backbone.system import System


def _is_coroutine(call: object) -> bool:
    if inspect.iscoroutinefunction(call):
        return True
    # A dependency may be an instance whose class defines an async `__call__`: look it up on the class.
    call_method = inspect.getattr_static(type(call), "__call__", None)
    return inspect.iscoroutinefunction(call_method)


def _calls(dependant: Dependant) -> Iterator[object]:
    yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def _routes(app: FastAPI, prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    # Included routers are nested in `app.routes` (FastAPI >= 0.160): walk the flattened routes.
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            yield prefix + context.path, context.original_route
    for mount in app.routes:
        if isinstance(mount, Mount) and isinstance(mount.app, FastAPI):
            yield from _routes(mount.app, prefix + mount.path)


def test_no_route_or_dependency_runs_in_a_thread() -> None:
    app = create_app(System(Settings()), manage_lifespan=False)
    plain = {
        f"{path}: {getattr(call, '__qualname__', call)}"
        for path, route in _routes(app)
        for call in _calls(route.dependant)
        if call is not None and not _is_coroutine(call)
    }
    assert sorted(plain) == []
    assert len(list(_routes(app))) > 50
