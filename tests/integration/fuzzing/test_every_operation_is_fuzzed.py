"""Schemathesis against every service's OpenAPI on the running system, as each path's owner.

Every operation gets generated valid and invalid requests (positive and negative data), then stateful
sequences follow the OpenAPI `links` the runtime declares (a list's items to their operations: a
referral to accept, decline, complete and the agency's steps). Every answer must be no server error,
declared, and match its declared schema; every request violating the schema must be refused.
Derandomized and bounded, so a run is repeatable and takes a couple of minutes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck
from schemathesis import GenerationMode
from schemathesis.checks import (
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from contracts.catalogue import SERVICES
from tests.integration.fuzzing.served_system import ServedSystem, served_system

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, negative_data_rejection]
EXAMPLES_PER_OPERATION = 20
STATEFUL_SCENARIOS = 15


def fuzz_settings(max_examples: int, **more: Any) -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        **more,
    )


@pytest.fixture(scope="module")
def system(module_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSystem]:
    with served_system(module_database_url, tmp_path_factory.mktemp("fuzzing")) as served:
        yield served


def service_schema(system: ServedSystem, service: str) -> schemathesis.BaseSchema:
    document = httpx.get(f"{system.base_url}/{service}/openapi.json").raise_for_status().json()
    schema = schemathesis.openapi.from_dict(document)
    schema.config.update(base_url=f"{system.base_url}/{service}")

    @schema.auth(refresh_interval=None)
    class OwnersToken:
        """The bearer token of the account owning the operation's path."""

        def get(self, case: schemathesis.Case, context: schemathesis.AuthContext) -> str:
            return system.token_for(f"/{service}{case.operation.path}")

        def set(self, case: schemathesis.Case, data: str, context: schemathesis.AuthContext) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return schema


def call_and_check(system: ServedSystem, service: str, case: schemathesis.Case) -> None:
    response = case.call(base_url=f"{system.base_url}/{service}", timeout=30)
    system.answered[(case.operation.method.upper(), case.operation.path, response.status_code)] += 1
    case.validate_response(response, checks=CHECKS)


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_answers_as_declared(system: ServedSystem, service: str) -> None:
    schema = service_schema(system, service)
    findings: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @fuzz_settings(EXAMPLES_PER_OPERATION)
            @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
            def fuzz(case: schemathesis.Case) -> None:
                call_and_check(system, service, case)

            try:
                fuzz()
            except (
                Exception,
                BaseExceptionGroup,
            ) as failed:  # every operation is fuzzed, findings reported together
                findings.append(f"{mode.value} {operation.method.upper()} {operation.path}: {failed}")
    assert not findings, "\n\n".join(findings)
    # The owners' tokens worked: every operation was reached past authentication.
    reached = {(method, path) for method, path, status in system.answered if status != 401}
    operations = {(o.ok().method.upper(), o.ok().path) for o in schema.get_all_operations()}
    assert operations <= reached, sorted(operations - reached)


@pytest.mark.parametrize("service", SERVICES)
def test_linked_sequences_answer_as_declared(system: ServedSystem, service: str) -> None:
    schema = service_schema(system, service)

    class Sequences(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"base_url": f"{system.base_url}/{service}", "timeout": 30}

        def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
            system.answered[(case.operation.method.upper(), case.operation.path, response.status_code)] += 1
            case.validate_response(response, checks=CHECKS)

    Sequences.run(settings=fuzz_settings(STATEFUL_SCENARIOS, stateful_step_count=6))

