"""Unknown filter values are refused with 422 naming the parameter."""

import pytest

from tests.integration.routing.routing_support import Routing


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"status": "archived"}, "status"),
        ({"agency": "womens_federation"}, "agency"),
        ({"priority": "P4"}, "priority"),
        ({"limit": 0}, "limit"),
        ({"limit": 1000}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
async def test_unknown_filter_value_is_422_naming_the_parameter(
    routing: Routing, params: dict, parameter: str
) -> None:
    response = await routing.client.get("/routing/v1/cases", params=params)

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", parameter]]
