"""A school reports a child hit at home (P2). The police, leading judicial protection, withdraw the
school's responsible referral for it; education puts its rescue referral on hold while the family is
away, posts a progress note the lead reads on the case, and resumes it.

Exactly one withdrawal, hold, resume and note reach the case; the withdrawn referral refuses any step,
the held deadline pauses and runs again; nothing is re-routed and no referral is duplicated.
"""

from collections import Counter

from tests.support.journeys import (
    Journey,
    born_years_ago,
    referral_keys,
    referral_of,
    report_body,
    synthetic_resident_id,
    timeline_types,
)
from tests.support.waiting import eventually

EXPECTED_REFERRALS = Counter(
    {
        ("police", "judicial_protection", "lead"): 1,
        ("education", "judicial_protection", "responsible"): 1,
        ("civil_affairs", "judicial_protection", "responsible"): 1,
        ("civil_affairs", "rescue_and_protection", "lead"): 1,
        ("education", "rescue_and_protection", "responsible"): 1,
        ("police", "rescue_and_protection", "responsible"): 1,
        ("civil_affairs", "assessment_and_assistance", "lead"): 1,
    }
)


def hit_at_home() -> dict:
    born = born_years_ago(10)
    return report_body(
        source="school",
        categories=["abuse"],
        offender="parent",
        child={
            "name": "测试女孩",
            "birth_date": born.isoformat(),
            "id_number": synthetic_resident_id(born, sequence=912),
            "gender": "female",
        },
    )


async def test_withdrawn_held_and_noted(journey: Journey) -> None:
    case_id = (await journey.report(hit_at_home()))["case_id"]
    case = await journey.routed(case_id, referrals=sum(EXPECTED_REFERRALS.values()))
    assert referral_keys(case) == EXPECTED_REFERRALS
    await journey.inboxes_hold(case)
    withdrawn = referral_of(case, "education", "judicial_protection", "responsible")["referral_id"]
    held = referral_of(case, "education", "rescue_and_protection", "responsible")["referral_id"]

    # The police lead judicial protection: they withdraw the school's part of it.
    async with journey.callers.client("police-dispatch") as police:
        answer = await police.post(
            f"/routing/v1/referrals/{withdrawn}/withdraw", json={"reason": "the police handle it alone"}
        )
    assert answer.status_code == 200, answer.text
    shown = await eventually(
        lambda: journey.in_inbox("education", withdrawn),
        until=lambda r: r["status"] == "withdrawn",
        what="education told of the withdrawal",
    )
    assert (shown["withdrawn_by"], shown["withdraw_reason"]) == ("police", "the police handle it alone")
    refused = await journey.client.post(f"/education/v1/referrals/{withdrawn}/accept")
    assert refused.status_code == 409 and "withdrawn" in refused.json()["detail"]

    # Education works on its rescue referral, holds it, notes progress, resumes.
    await journey.accept("education", held)
    await journey.on_timeline(case_id, "referral.accepted.v1")

    def follow_up(clocks: list[dict]) -> dict:
        return next(c for c in clocks if c["clock"] == "education.follow_up" and c["subject_id"] == held)

    running = await eventually(
        lambda: journey.clocks(case_id=case_id),
        until=lambda cs: any(c["clock"] == "education.follow_up" for c in cs),
        what="follow-up clock running",
    )
    assert follow_up(running)["state"] == "running"
    on_hold = await journey.step("education", held, "hold", {"reason": "family away for a funeral"})
    assert on_hold["status"] == "on_hold"
    await journey.on_timeline(case_id, "referral.held.v1")
    assert follow_up(await journey.clocks(case_id=case_id))["state"] == "paused"
    note = await journey.step("education", held, "notes", {"note": "teacher phoned the aunt"}, expect=201)
    await journey.step("education", held, "resume")
    case = await journey.on_timeline(case_id, "referral.resumed.v1")
    assert follow_up(case["sla_clocks"])["state"] == "running"

    assert [(n["note_id"], n["note"]) for n in case["notes"]] == [
        (note["note_id"], "teacher phoned the aunt")
    ]
    lifecycle = Counter(
        t
        for t in timeline_types(case)
        if t.split(".")[1] in ("withdrawn", "held", "resumed", "progress_noted")
    )
    assert lifecycle == Counter(
        {
            "referral.withdrawn.v1": 1,
            "referral.held.v1": 1,
            "referral.resumed.v1": 1,
            "referral.progress_noted.v1": 1,
        }
    )
    assert referral_keys(case) == EXPECTED_REFERRALS  # nothing re-routed, nothing duplicated
    statuses = {r["referral_id"]: r["status"] for r in case["referrals"]}
    assert (statuses[withdrawn], statuses[held]) == ("withdrawn", "accepted")
    acceptance = {
        c["subject_id"]: c["state"] for c in case["sla_clocks"] if c["clock"] == "referral.acceptance"
    }
    assert acceptance[withdrawn] == "cancelled"
    own = (await journey.get("/education/v1/sla"))["items"]
    assert {c["state"] for c in own if c["subject_id"] == withdrawn} == {"cancelled"}
