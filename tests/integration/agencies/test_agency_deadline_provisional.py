"""An agency's own deadline that counts working days of a year without a calendar file is shown as
provisional; once the year's file is loaded it is recomputed with that year's holidays."""

import json
import shutil
from datetime import UTC, datetime

from services.agency.deadlines.calendar import recompute_provisional
from sla import holidays
from sla.calendar import SHANGHAI
from sla.stamping import active_policy
from tests.integration.agencies.agency_support import RunningAgency, referral_created
from tests.integration.deadlines.test_calendar_year_missing import TEST_2027
from tests.support.paging import items
from tests.support.waiting import eventually


async def test_provisional_due_time_is_recomputed_when_the_year_is_loaded(
    police: RunningAgency, fake_clock, tmp_path
) -> None:
    shutil.copy(holidays.DEFAULT_CALENDAR_DIR / "cn-2026.json", tmp_path)
    holidays.install(holidays.load_directory(tmp_path))
    try:
        fake_clock.now = datetime(2026, 12, 31, 12, tzinfo=SHANGHAI).astimezone(UTC)
        referral = referral_created("police", task="judicial_protection", priority="P3")
        await police.feed(referral)  # acceptance: 1 working day

        async def acceptance() -> list[dict]:
            rows = items(await police.client.get("/police/v1/sla"))
            return [r for r in rows if r["clock"] == "referral.acceptance"]

        [row] = await eventually(acceptance, until=lambda r: len(r) == 1, what="acceptance deadline")
        assert datetime.fromisoformat(row["due_at"]) == datetime(2027, 1, 1, 12, tzinfo=SHANGHAI)
        assert row["due_provisional"] is True

        (tmp_path / "cn-2027.json").write_text(json.dumps(TEST_2027), encoding="utf-8")
        assert holidays.refresh() is True
        async with police.system.runtime("police").unit_of_work() as uow:
            assert await recompute_provisional(uow=uow, policy=active_policy()) == 1
            await uow.commit()

        [row] = await acceptance()
        assert datetime.fromisoformat(row["due_at"]) == datetime(2027, 1, 4, 12, tzinfo=SHANGHAI)  # Monday
        assert row["due_provisional"] is False
    finally:
        holidays.install(holidays.load_directory())
