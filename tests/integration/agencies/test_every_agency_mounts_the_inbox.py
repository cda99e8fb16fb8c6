"""The one inbox, mounted by all four agencies: each keeps its own referrals, in its own schema, with its
own migration history, and refuses agency steps before 受理."""

from sqlalchemy import text

from tests.integration.agencies.agency_support import RunningAgency, referral_created
from tests.support.system import running_system

FIRST_STEP = {
    "police": ("dispatch", {"unit": "patrol-1"}),
    "health": ("findings", {"injury_evidence": False, "severity": "none"}),
    "education": ("school-contact", {"school": "No. 1 Primary"}),
    "civil_affairs": ("assessment", {"safety": "safe", "guardianship": "adequate"}),
}


# police_0002: detentions record their cases; the outbox loses the old events with children's data.
# civil_affairs_0002: the joint meeting office's queue takes missed deadlines too.
LATEST_REVISION = {"police": "police_0002", "civil_affairs": "civil_affairs_0004"}


async def test_each_agency_sees_only_its_referrals_and_needs_acceptance(fresh_database_url: str) -> None:
    names = list(FIRST_STEP)
    async with running_system(fresh_database_url, names) as (system, client):
        agencies = {name: RunningAgency(name, system, client) for name in names}
        case_id = "case-shared"
        referrals = {name: referral_created(name, case_id=case_id, priority="P3") for name in names}
        await agencies["police"].feed(*referrals.values())

        for name, agency in agencies.items():
            await agency.receive(referrals[name])
            assert [r["referral_id"] for r in await agency.inbox()] == [referrals[name].referral_id]
            step, body = FIRST_STEP[name]
            refused = await agency.post(f"referrals/{referrals[name].referral_id}/{step}", body)
            assert (refused.status_code, refused.json()["detail"]) == (409, "accept the referral first"), name
            assert await agency.emitted_types() == []

            async with system.runtime(name).engine.connect() as connection:
                versions = {
                    table: await connection.scalar(text(f'SELECT version_num FROM "{name}".{table}'))
                    for table in ("alembic_version_agency", f"alembic_version_{name}")
                }
            assert versions == {
                "alembic_version_agency": "agency_0006",
                f"alembic_version_{name}": LATEST_REVISION.get(name, f"{name}_0001"),
            }
