"""An agency of another district neither sees nor acts on a referral; reporters read back only their own."""

from tests.integration.identity.conftest import Seeded
from tests.support.paging import items


async def test_police_of_another_district_see_nothing_and_cannot_act(seeded: Seeded) -> None:
    referral_id = seeded.ids["police.referral_id"]
    async with seeded.as_("police-dispatch-370703") as stranger:
        assert items(await stranger.get("/police/v1/referrals")) == []
        assert (await stranger.get(f"/police/v1/referrals/{referral_id}")).status_code == 403
        refused = await stranger.post(f"/police/v1/referrals/{referral_id}/accept", json={"officer": "x"})
        assert refused.status_code == 403
        assert (await stranger.get(f"/routing/v1/cases/{seeded.ids['case_id']}")).status_code == 403
    async with seeded.as_("police-dispatch") as police:
        inbox = items(await police.get("/police/v1/referrals"))
        assert referral_id in {r["referral_id"] for r in inbox}
        assert inbox[0]["status"] == "pending"  # the refused accept changed nothing
        assert (await police.get(f"/routing/v1/cases/{seeded.ids['case_id']}")).status_code == 200
    async with seeded.as_("supervisor-370703") as other_supervisor:
        assert (await other_supervisor.get("/routing/v1/cases")).json()["total"] == 0
    async with seeded.as_("supervisor") as city_supervisor:
        assert (await city_supervisor.get("/routing/v1/cases")).json()["total"] == 1


async def test_an_agency_cannot_act_on_another_agencys_referral(seeded: Seeded) -> None:
    health_referral = seeded.ids["health.referral_id"]
    async with seeded.as_("police-dispatch") as police:
        # The police's URL does not know health's referral; health's URL refuses the police.
        assert (
            await police.post(f"/health/v1/referrals/{health_referral}/accept", json={})
        ).status_code == 403


async def test_a_reporting_source_reads_back_only_its_own_reports(seeded: Seeded) -> None:
    report_id = seeded.ids["report_id"]
    async with seeded.as_("school-platform") as school:
        assert (await school.get(f"/intake/v1/reports/{report_id}")).status_code == 200
    async with seeded.as_("hospital-system") as hospital:
        assert (await hospital.get(f"/intake/v1/reports/{report_id}")).status_code == 403
    async with seeded.as_("health-system") as health:
        answer = await health.get(
            f"/intake/v1/children/{seeded.ids['child_id']}/personal-data", params={"purpose": "assessment"}
        )
        assert answer.status_code == 403  # unmasked identities: civil affairs and the police only
