"""Reading a topic through the system's own transport (Kafka or embedded) in a test."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence

from backbone.messaging.transport import IncomingMessage, Transport


@contextlib.asynccontextmanager
async def topic_reader(transport: Transport, topic: str) -> AsyncIterator[list[IncomingMessage]]:
    """Collect every message of a topic, from its beginning, while the block runs."""
    received: list[IncomingMessage] = []

    async def collect(messages: Sequence[IncomingMessage]) -> None:
        received.extend(messages)

    task = asyncio.create_task(
        transport.consume(group=f"reader-{uuid.uuid4().hex[:8]}", topics=[topic], handle=collect)
    )
    try:
        yield received
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
