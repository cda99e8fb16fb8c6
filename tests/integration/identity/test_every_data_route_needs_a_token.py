"""No data route of any service answers without a valid bearer token; probes and docs answer anyone."""

import re

from contracts.catalogue import SERVICES
from tests.integration.identity.conftest import Seeded


async def _operations(seeded: Seeded) -> list[tuple[str, str, str]]:
    operations = []
    async with seeded.anonymous() as anonymous:
        for service in SERVICES:
            spec = await anonymous.get(f"/{service}/openapi.json")
            assert spec.status_code == 200, "the API documentation is public"
            for path, methods in spec.json()["paths"].items():
                operations += [(service, method.upper(), path) for method in methods]
    return operations


async def test_every_operation_refuses_missing_and_invalid_tokens(seeded: Seeded) -> None:
    operations = await _operations(seeded)
    assert len(operations) >= 60
    async with seeded.anonymous() as anonymous:
        for service, method, path in operations:
            url = seeded.url(service, path)
            missing = await anonymous.request(method, url, json={})
            assert missing.status_code == 401, (method, url)
            assert missing.headers["www-authenticate"] == 'Bearer realm="child-protection"'
            for bad in ("not-a-jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."):
                invalid = await anonymous.request(
                    method, url, json={}, headers={"Authorization": f"Bearer {bad}"}
                )
                assert invalid.status_code == 401, (method, url)
                assert 'error="invalid_token"' in invalid.headers["www-authenticate"]
            assert "personal" not in missing.text and re.fullmatch(r'\{"detail":"[^"]+"\}', missing.text)


async def test_probes_and_docs_answer_without_a_token(seeded: Seeded) -> None:
    async with seeded.anonymous() as anonymous:
        for service in SERVICES:
            for path in ("healthz", "readyz", "docs", "openapi.json"):
                assert (await anonymous.get(f"/{service}/{path}")).status_code == 200, (service, path)
        assert (await anonymous.get("/issuer/.well-known/openid-configuration")).status_code == 200
