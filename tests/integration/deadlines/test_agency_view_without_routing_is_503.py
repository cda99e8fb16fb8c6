"""While routing (the deadlines' one owner) cannot be reached, an agency's deadline view answers 503
`peer_unavailable` with Retry-After, naming routing and nothing of the request; the rest of the agency
keeps working."""

from tests.support.browser import free_port
from tests.support.system import running_system


async def test_police_deadlines_without_routing(fresh_database_url: str) -> None:
    nowhere = f"routing=http://127.0.0.1:{free_port()}"
    async with running_system(fresh_database_url, ["police"], SERVICE_API_URLS=nowhere) as (_, client):
        answer = await client.get("/police/v1/sla", params={"state": "breached"})
        assert answer.status_code == 503, answer.text
        assert answer.headers["retry-after"] == "5"
        [problem] = answer.json()["detail"]
        assert problem["type"] == "peer_unavailable" and "routing" in problem["msg"]
        assert "breached" not in answer.text and "127.0.0.1" not in answer.text

        inbox = await client.get("/police/v1/referrals")
        assert inbox.status_code == 200
