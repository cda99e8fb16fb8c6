"""A service whose route has no rule in the access policy does not start (routers included, too)."""

from __future__ import annotations

import dataclasses
import re

import pytest
from fastapi import APIRouter

from backbone.app import create_app
from backbone.settings import get_settings
from backbone.system import System, load_definition


def test_every_route_of_every_service_has_a_rule() -> None:
    create_app(System(get_settings()), manage_lifespan=False)


def test_an_included_route_without_a_rule_stops_the_service() -> None:
    unruled = APIRouter(prefix="/v1/unruled")

    @unruled.get("/{referral_id}")
    async def unruled_route(referral_id: str) -> dict[str, str]:
        return {}

    police = load_definition("police")
    definition = dataclasses.replace(police, routers=(*police.routers, unruled))
    with pytest.raises(RuntimeError, match=re.escape("no rule for police GET /v1/unruled/{referral_id}")):
        create_app(System(get_settings(), [definition]), manage_lifespan=False)
