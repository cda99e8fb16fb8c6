"""Personal data stays sealed at intake: markers sent through every path that takes personal data or
free text are found nowhere else — no table of any schema (intake's own hold them sealed), no outbox or
embedded-log row, no Kafka message, no webhook delivered to an agency's system, no log line, no span.

Names, resident IDs, phones, addresses, schools, reporters' details and the incident description are
personal data: zero hits anywhere. The agencies' own notes (a decline reason, an outcome, the message
for the reporter, a clock's pause reason, a hold's reason, a progress note, a withdrawal's reason, an
approval's reason and note) are free text their recipients need, so they may travel in events and sit
in the agencies' and routing's tables, but they never reach a log line or a span.
"""

from __future__ import annotations

import json

from backbone.clock import utcnow
from tests.support.journeys import (
    DISTRICT,
    Journey,
    born_years_ago,
    referral_of,
    report_body,
    synthetic_resident_id,
)
from tests.support.leaks import (
    captured_logs,
    hits,
    kafka_texts,
    span_exporter,
    span_text,
    table_texts,
    unsent_outbox_rows,
)
from tests.support.paging import items
from tests.support.waiting import eventually
from tests.support.webhook_receiver import Receiver, receiving

AGENCY_SYSTEMS = ("police-dispatch", "health-system", "education-platform", "civil-affairs-cases")

CHILD_BORN = born_years_ago(9)
CHILD_ID_NUMBER = synthetic_resident_id(CHILD_BORN, sequence=771)
SIBLING_BORN = born_years_ago(4)
SIBLING_ID_NUMBER = synthetic_resident_id(SIBLING_BORN, sequence=772)
PERSONAL = {
    "child name": "哨兵甲童",
    "child resident id": CHILD_ID_NUMBER,
    "child school": "哨兵学校甲",
    "reporter name": "哨兵报告人",
    "reporter organization": "哨兵单位乙",
    "reporter phone": "13977705512",
    "incident address": "哨兵路77号院",
    "incident description": "哨兵描述：孩子说父亲昨晚打了他",
    "detained's child name": "哨兵乙童",
    "detained's child resident id": SIBLING_ID_NUMBER,
    "detained's other child name": "哨兵丙童",
}
FREE_TEXT = {
    "police completion outcome": "FREETEXT-police-outcome",
    "decline reason": "FREETEXT-decline-reason",
    "reporter message": "FREETEXT-reporter-message",
    "close outcome": "FREETEXT-close-outcome",
    "pause reason": "FREETEXT-pause-reason",
    "officer name": "哨兵警官",
    "late entry reason": "FREETEXT-late-entry-reason",
    "hold reason": "FREETEXT-hold-reason",
    "progress note": "FREETEXT-progress-note",
    "note author": "哨兵社工",
    "withdrawal reason": "FREETEXT-withdrawal-reason",
    "approval reason": "FREETEXT-approval-reason",
    "approval note": "FREETEXT-approval-note",
}


def marked_report() -> dict:
    body = report_body(
        source="school",
        categories=["abuse"],
        injured=True,
        offender="parent",
        organization=PERSONAL["reporter organization"],
        reporter_name=PERSONAL["reporter name"],
        reporter_phone=PERSONAL["reporter phone"],
        description=PERSONAL["incident description"],
        child={
            "name": PERSONAL["child name"],
            "birth_date": CHILD_BORN.isoformat(),
            "id_number": CHILD_ID_NUMBER,
            "gender": "male",
            "school": PERSONAL["child school"],
        },
    )
    body["incident"]["location"]["address"] = PERSONAL["incident address"]
    return body


async def walk_every_path(journey: Journey) -> None:
    """A report, a detention, and every agency step that takes a note, each carrying markers."""
    accepted = await journey.report(marked_report())
    case_id = accepted["case_id"]
    case = await journey.routed(case_id, referrals=10)
    await journey.inboxes_hold(case)
    police = referral_of(case, "police", "emergency_response")["referral_id"]
    health = referral_of(case, "health", "medical_protection")["referral_id"]
    rescue = referral_of(case, "civil_affairs", "rescue_and_protection")["referral_id"]
    assessment = referral_of(case, "civil_affairs", "assessment_and_assistance")["referral_id"]
    declined = next(r for r in case["referrals"] if r["agency"] == "education")["referral_id"]
    withdrawn = referral_of(case, "police", "rescue_and_protection", "responsible")["referral_id"]

    await journey.step(
        "police", police, "dispatch", {"unit": "patrol-3", "officer": FREE_TEXT["officer name"]}
    )
    arrived_at = utcnow().isoformat()
    late = {"arrived_at": arrived_at, "late_entry_reason": FREE_TEXT["late entry reason"]}
    # A late entry is a supervisor's to record (the dispatch system's reason would be refused).
    async with journey.callers.client("police-supervisor") as supervisor:
        arrived = await supervisor.post(f"/police/v1/referrals/{police}/arrive", json=late)
    assert arrived.status_code == 200, arrived.text
    await journey.step(
        "police", police, "resolve", {"outcome": "escorted_to_relatives", "injury_found": True}
    )
    await journey.step("police", police, "complete", {"outcome": FREE_TEXT["police completion outcome"]})
    await journey.in_inbox("education", declined)
    refusal = {"reason_code": "outside_mandate", "reason": FREE_TEXT["decline reason"]}
    await journey.step("education", declined, "decline", refusal)
    await journey.step("health", health, "admission", {"hospital": "People's Hospital"})
    await journey.step("health", health, "findings", {"injury_evidence": True, "severity": "serious"})
    await journey.accept("civil_affairs", assessment)
    await journey.step(
        "civil_affairs", assessment, "assessment", {"safety": "at_risk", "guardianship": "harmful"}
    )
    await journey.accept("civil_affairs", rescue)
    await journey.step("civil_affairs", rescue, "placement", {"placement": "kinship"})
    await journey.step("civil_affairs", rescue, "inform-reporter", {"message": FREE_TEXT["reporter message"]})
    await journey.step("civil_affairs", assessment, "hold", {"reason": FREE_TEXT["hold reason"]})
    note = {"note": FREE_TEXT["progress note"], "author": FREE_TEXT["note author"]}
    await journey.step("civil_affairs", assessment, "notes", note, expect=201)
    await journey.step("civil_affairs", assessment, "resume")
    # Civil affairs leads rescue and protection: it withdraws the police's responsible part of it.
    async with journey.callers.client("civil-affairs-cases") as lead:
        withdrawal = await lead.post(
            f"/routing/v1/referrals/{withdrawn}/withdraw", json={"reason": FREE_TEXT["withdrawal reason"]}
        )
    assert withdrawal.status_code == 200, withdrawal.text
    await journey.on_timeline(case_id, "referral.withdrawn.v1")
    await journey.on_timeline(case_id, "referral.resumed.v1")
    # A referral nobody acts on keeps its acceptance clock running: that one is paused.
    touched = {police, health, rescue, assessment, declined, withdrawn}
    [clock, *_] = [
        c
        for c in await journey.clocks(case_id=case_id, state="running")
        if c["clock"] == "referral.acceptance" and c["subject_id"] not in touched
    ]
    pause = await journey.client.post(
        f"/routing/v1/sla/clocks/{clock['id']}/pause", json={"reason": FREE_TEXT["pause reason"]}
    )
    assert pause.status_code == 200, pause.text
    # Other agencies' referrals are still open: closing goes through a supervisor's approval.
    ask = {
        "kind": "close_case",
        "reason": FREE_TEXT["approval reason"],
        "outcome": FREE_TEXT["close outcome"],
    }
    approval = await journey.step("civil_affairs", rescue, "approvals", ask, expect=201)
    async with journey.callers.client("supervisor") as supervisor:
        approved = await supervisor.post(
            f"/civil_affairs/v1/approvals/{approval['approval_id']}/approve",
            json={"note": FREE_TEXT["approval note"]},
        )
    assert approved.status_code == 200, approved.text

    children = [
        {
            "name": PERSONAL["detained's child name"],
            "gender": "female",
            "district": DISTRICT,
            "birth_date": SIBLING_BORN.isoformat(),
            "id_number": SIBLING_ID_NUMBER,
        },
        {"name": PERSONAL["detained's other child name"], "gender": "male", "age": 6, "district": DISTRICT},
    ]
    detention = await journey.post(
        "/intake/v1/detentions",
        {"detention_reference": "DET-LEAK-1", "district": DISTRICT, "area": "urban", "children": children},
        expect=201,
    )
    for child in detention["children"]:
        await journey.routed(child["case_id"], referrals=5)
    await journey.on_timeline(case_id, "civil_affairs.case_closed.v1")

    async def reporter_told() -> bool:
        report = await journey.intake_report(accepted["report_id"])
        return bool(report["feedback"])

    await eventually(reporter_told, what="intake records the reporter feedback")
    # Intake itself opens what it sealed: the markers went in, so the scan had something to miss.
    report = await journey.intake_report(accepted["report_id"])
    assert report["incident"]["description"] == PERSONAL["incident description"]
    assert (report["child"]["display_name"], report["reporter"]["display_name"]) == ("哨***", "哨****")


async def test_personal_data_never_leaves_intake_unsealed(
    statement_spans: bool,  # with a span per SQL statement too (debugging), whose spans are scanned as well
    journey: Journey,
    fresh_database_url: str,
    kafka_bootstrap_servers: str,
    kafka_namespace: str,
) -> None:
    spans = span_exporter()
    with captured_logs() as logs:
        async with receiving(Receiver()) as receiver:
            await subscribe_every_agency(journey, receiver)
            await walk_every_path(journey)
            # Referrals, their changes and deadline alerts of both cases, pushed to the agencies.
            await eventually(lambda: _applied(receiver), until=lambda n: n >= 15, what="webhooks delivered")
        # Every relay idle: what was written to an outbox has reached the broker too.
        await eventually(
            lambda: unsent_outbox_rows(fresh_database_url), until=lambda n: n == 0, what="outboxes drained"
        )
    personal = list(PERSONAL.values())
    found: list[str] = []
    for table, text in (await table_texts(fresh_database_url)).items():
        found += hits(personal, text, where=table)
    found += hits(personal, json.dumps(list(receiver.applied.values()), ensure_ascii=False), where="webhooks")
    if journey.transport == "kafka":
        for topic, text in (await kafka_texts(kafka_bootstrap_servers, kafka_namespace)).items():
            found += hits(personal, text, where=f"kafka {topic}")
    log_text = logs.getvalue()
    assert "report received" in log_text  # the capture works
    found += hits([*personal, *FREE_TEXT.values()], log_text, where="logs")
    exported = spans.get_finished_spans()
    assert exported  # the exporter works
    for span in exported:
        found += hits([*personal, *FREE_TEXT.values()], span_text(span), where=f"span {span.name}")
    assert found == []


async def subscribe_every_agency(journey: Journey, receiver: Receiver) -> None:
    """Every agency's system subscribes to every event type addressed to agencies."""
    for account in AGENCY_SYSTEMS:
        async with journey.callers.client(account) as system:
            types = [t["type"] for t in items(await system.get("/notifications/v1/event-types"))]
            answer = await system.post(
                "/notifications/v1/subscriptions", json={"url": receiver.url, "event_types": types}
            )
            assert answer.status_code == 201, answer.text
            receiver.secrets.append(answer.json()["secret"])


async def _applied(receiver: Receiver) -> int:
    return len(receiver.applied)
