"""Intake's own tables, read with plain SQL, hold none of the personal data submitted: it is sealed."""

from tests.integration.intake.intake_api import Intake, build_report, resident_id
from tests.support.leaks import hits, table_texts

MARKERS = {
    "child.name": "封存童名",
    "child.id_number": resident_id("20160101", "771"),
    "child.school": "封存学校",
    "reporter.name": "封存报告人",
    "reporter.organization": "封存单位",
    "reporter.phone": "13977701234",
    "incident.location.address": "封存路8号",
    "incident.description": "封存描述文字",
}


async def test_no_marker_is_stored_in_plaintext(intake: Intake, fresh_database_url: str) -> None:
    body = build_report(**MARKERS, **{"child.birth_date": "2016-01-01"})
    accepted = await intake.accepted(body)
    detention = await intake.client.post(
        "/intake/v1/detentions",
        json={
            "detention_reference": "DET-SEALED",
            "district": "370702",
            "area": "rural",
            "children": [{"name": "封存乙童", "gender": "male", "age": 5, "district": "370702"}],
        },
    )
    assert detention.status_code == 201, detention.text

    tables = {
        t: text for t, text in (await table_texts(fresh_database_url)).items() if t.startswith("intake.")
    }
    assert {"intake.children", "intake.reports", "intake.reporter_contacts"} <= tables.keys()
    found = [
        h for table, text in tables.items() for h in hits([*MARKERS.values(), "封存乙童"], text, where=table)
    ]
    assert found == []
    assert "v1.aes256gcm.k1." in tables["intake.children"]
    shown = (await intake.client.get(f"/intake/v1/reports/{accepted['report_id']}")).json()
    assert shown["incident"]["description"] == MARKERS["incident.description"]
    assert (shown["child"]["display_name"], shown["reporter"]["organization"]) == ("封***", "封存单位")
