"""Intake running alone on a fresh database, driven through its REST API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.intake.intake_api import Intake
from tests.support.system import running_system
from tests.support.waiting import eventually


@pytest.fixture
async def intake(fresh_database_url: str) -> AsyncIterator[Intake]:
    async with running_system(fresh_database_url, ["intake"]) as (system, client):
        service = Intake(system, client)
        yield service
        # Stop only once the relay is idle: on Python 3.11 `asyncio.wait_for` loses a cancellation that
        # lands as the relay is woken by a commit, and the system's stop then waits for ever.
        await eventually(service.unsent_outbox_rows, until=lambda n: n == 0, what="intake outbox drained")
