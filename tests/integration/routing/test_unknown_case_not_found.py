"""A case id routing never opened is 404."""

from tests.integration.routing.routing_support import Routing


async def test_unknown_case_is_404(routing: Routing) -> None:
    response = await routing.client.get("/routing/v1/cases/no-such-case")

    assert response.status_code == 404
    assert response.json()["detail"] == "no case with this id"  # the id is not echoed
