"""Every operation of every service declares the statuses the runtime answers, with one error schema."""

from __future__ import annotations

from contracts.catalogue import SERVICES
from tests.integration.hardening.conftest import Services

ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}


async def test_every_operation_declares_the_runtime_statuses(services: Services) -> None:
    operations = 0
    for service in SERVICES:
        document = (await services.client.get(f"/{service}/openapi.json")).json()
        schemas = document["components"]["schemas"]
        assert set(schemas["ErrorBody"]["properties"]) == {"detail"}
        assert set(schemas["Problem"]["properties"]) == {"loc", "msg", "type"}
        assert "HTTPValidationError" not in schemas, "FastAPI's 422 model shows input and ctx"
        for path, item in document["paths"].items():
            for method, operation in item.items():
                operations += 1
                expected = {"422", "429", "503"} | ({"413", "415"} if method != "get" else set())
                declared = operation["responses"]
                assert expected <= set(declared), (service, method, path, sorted(declared))
                for status in expected:
                    assert declared[status]["content"]["application/json"]["schema"] == ERROR_BODY
                assert "Retry-After" in declared["503"]["headers"]
                assert "Retry-After" in declared["429"]["headers"]
    assert operations > 40


async def test_an_answered_refusal_matches_the_declared_schema(services: Services) -> None:
    document = (await services.client.get("/routing/openapi.json")).json()
    problem_fields = set(document["components"]["schemas"]["Problem"]["required"])
    response = await services.client.get("/routing/v1/cases", params={"limit": "0"})
    assert response.status_code == 422
    assert [set(p) for p in response.json()["detail"]] == [problem_fields]


async def test_guarded_operations_declare_401_and_403(services: Services) -> None:
    document = (await services.client.get("/police/openapi.json")).json()
    inbox = document["paths"]["/v1/referrals"]["get"]["responses"]
    for status in ("401", "403"):
        assert inbox[status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorMessage"
        }
    assert "WWW-Authenticate" in inbox["401"]["headers"]


async def test_answers_link_to_the_operations_on_what_they_name(services: Services) -> None:
    document = (await services.client.get("/police/openapi.json")).json()
    inbox = document["paths"]["/v1/referrals"]["get"]["responses"]["200"]["links"]
    accept = document["paths"]["/v1/referrals/{referral_id}/accept"]["post"]["operationId"]
    assert inbox[accept]["parameters"] == {"referral_id": "$response.body#/items/0/referral_id"}
    filed = (await services.client.get("/intake/openapi.json")).json()["paths"]["/v1/reports"]["post"]
    assert any(
        link["parameters"] == {"report_id": "$response.body#/report_id"}
        for link in filed["responses"]["202"]["links"].values()
    )
