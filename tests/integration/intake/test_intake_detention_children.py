"""`POST /intake/v1/detentions`: the police give intake a detained person's children; ids go back."""

from datetime import timedelta

from backbone.clock import utcnow
from tests.integration.intake.intake_api import Intake, resident_id

CHILDREN = [
    {"name": "李小红", "gender": "female", "birth_date": "2019-05-01", "district": "370702"},
    {
        "name": "李小明",
        "gender": "male",
        "age": 4,
        "id_number": resident_id("20211203", "001"),
        "district": "370702",
    },
]
BODY = {"detention_reference": "DET-2026-117", "district": "370702", "area": "urban", "children": CHILDREN}


async def test_each_child_becomes_a_police_report_and_the_police_learn_only_ids(intake: Intake) -> None:
    answer = await intake.client.post("/intake/v1/detentions", json=BODY)

    assert answer.status_code == 201, answer.text
    detention = answer.json()
    assert (detention["detention_reference"], detention["children_count"]) == ("DET-2026-117", 2)
    children = await intake.children()
    assert [children[c["child_id"]].name for c in detention["children"]] == ["李小红", "李小明"]
    sources = await intake.rows(
        "SELECT source, detention_id, immediate_danger FROM reports ORDER BY received_at, report_id"
    )
    assert {(s, d, danger) for s, d, danger in sources} == {("police", detention["detention_id"], True)}
    [envelope] = await intake.rows(
        "SELECT payload FROM outbox WHERE event_type = 'intake.detention_children_reported.v1'"
    )
    data = envelope.payload["data"]
    assert data["case_ids"] == [c["case_id"] for c in detention["children"]]
    assert data["reports"] == detention["children"]
    everything_emitted = str(await intake.rows("SELECT payload FROM outbox"))
    assert "李小" not in everything_emitted and "20211203" not in everything_emitted
    assert (await intake.client.get(f"/intake/v1/detentions/{detention['detention_id']}")).json() == detention

    again = await intake.client.post("/intake/v1/detentions", json=BODY)
    assert again.status_code == 409
    assert again.json()["detail"]["detention_id"] == detention["detention_id"]
    assert await intake.scalar("SELECT count(*) FROM reports") == 2


async def test_bad_detention_bodies_name_the_field_without_its_value(intake: Intake) -> None:
    base = {"detention_reference": "DET-9", "district": "370702", "area": "urban"}
    no_age = [{"name": "小明", "gender": "male", "district": "370702"}]
    adult = [{"name": "小明", "gender": "male", "birth_date": "2000-01-01", "district": "370702"}]
    bad_id = [{"name": "小明", "gender": "male", "age": 3, "id_number": "12345", "district": "370702"}]
    future = (utcnow() + timedelta(hours=2)).isoformat()

    async def refused(body: dict) -> list[str]:
        answer = await intake.client.post("/intake/v1/detentions", json=body)
        assert answer.status_code == 422, answer.text
        assert "小明" not in answer.text and "12345" not in answer.text
        return [str(problem["loc"][-1]) for problem in answer.json()["detail"]]

    assert await refused(base | {"children": []}) == ["children"]
    assert await refused(base | {"children": no_age}) == ["age"]
    assert await refused(base | {"children": adult}) == ["birth_date"]
    assert await refused(base | {"children": bad_id}) == ["id_number"]
    assert await refused(base | {"district": "37", "children": CHILDREN}) == ["district"]
    assert await refused(base | {"found_at": future, "children": CHILDREN}) == ["found_at"]
    assert (await intake.counts())["reports"] == 0
    assert await intake.scalar("SELECT count(*) FROM intake_detentions") == 0
