"""All six services served over real HTTP (uvicorn) by a process of their own, for a synchronous fuzzer.

Schemathesis calls the API with blocking requests from the test process; the system runs in a child
process (`python -m tests.integration.fuzzing.served_system DATABASE_URL FOLDER`), so the two share no
event loop and no interpreter state; it says where it listens on a pipe of its own and stops when the
test closes its stdin. Before it is handed over the system holds a few reports, so cases, referrals
and deadlines exist for the fuzzer's links to follow.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn

from backbone.app import create_app
from backbone.auth.policy import DEFAULT_POLICY
from tests.support.auth import PATH_OWNERS
from tests.support.journeys import report_body
from tests.support.paging import items
from tests.support.system import running_system
from tests.support.waiting import eventually

# Reports filed before fuzzing: an emergency (police, health), a school case (education, civil affairs).
SEED_REPORTS = (
    {
        "categories": ["abuse"],
        "immediate_danger": True,
        "injured": True,
        "child": {"gender": "male", "age": 9},
    },
    {"categories": ["dropout"], "child": {"gender": "female", "age": 13}},
)


@dataclass
class ServedSystem:
    base_url: str
    tokens: dict[str, str] = field(default_factory=dict)
    # (method, path, status) -> how often: what the fuzzer reached, for the report
    answered: Counter[tuple[str, str, int]] = field(default_factory=Counter)

    def token_for(self, path: str) -> str:
        """The token of the account owning the path (tests/support/auth.py PATH_OWNERS)."""
        return self.tokens[next(account for prefix, account in PATH_OWNERS if path.startswith(prefix))]


def fuzzing_policy(folder: Path) -> str:
    """The shipped policy, with rate limits no single fuzzer reaches (they have their own test)."""
    document = json.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    document["rate_limits"] = {"default": "100000/second"}
    path = folder / "access-fuzzing.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


async def serve(database_url: str, folder: Path, handshake: int) -> None:
    """Start, seed and serve the system; write where and the owners' tokens to `handshake`; stop when
    stdin closes."""
    async with running_system(
        database_url, ACCESS_POLICY_PATH=fuzzing_policy(folder), IDENTITY_TOKEN_LIFETIME_SECONDS=3600
    ) as (system, client):
        for seed in SEED_REPORTS:
            filed = await client.post("/intake/v1/reports", json=report_body(source="hotline_12355", **seed))
            assert filed.status_code == 202, filed.text
        for agency in ("police", "civil_affairs"):
            await eventually(
                lambda agency=agency: client.get(f"/{agency}/v1/referrals"),
                until=lambda answer: bool(items(answer)),
                what=f"a referral in the {agency} inbox",
            )
        config = uvicorn.Config(
            create_app(system, manage_lifespan=False),
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="off",
        )
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        await eventually(lambda: asyncio.sleep(0, server.started), what="uvicorn listening")
        port = server.servers[0].sockets[0].getsockname()[1]
        tokens = {account: await system.callers.token(account) for _, account in PATH_OWNERS}
        announcement = json.dumps({"base_url": f"http://127.0.0.1:{port}", "tokens": tokens})
        await asyncio.to_thread(_announce, handshake, announcement)
        await asyncio.to_thread(sys.stdin.read)  # until the test closes our stdin
        server.should_exit = True
        await serving


def _announce(handshake: int, announcement: str) -> None:
    with open(handshake, "w", encoding="utf-8") as pipe:
        pipe.write(announcement)


@contextlib.contextmanager
def served_system(database_url: str, folder: Path) -> Iterator[ServedSystem]:
    """The system in a process of its own (a fuzzer and a server share no interpreter state)."""
    announced, handshake = os.pipe()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.integration.fuzzing.served_system",
            database_url,
            str(folder),
            str(handshake),
        ],
        stdin=subprocess.PIPE,
        pass_fds=(handshake,),
    )
    os.close(handshake)
    try:
        with open(announced, encoding="utf-8") as handshake_pipe:
            line = handshake_pipe.read()  # complete once the system serves (empty: it failed first)
        if not line:
            raise RuntimeError(f"the served system exited with {process.wait(timeout=60)} before serving")
        started = json.loads(line)
        yield ServedSystem(started["base_url"], started["tokens"])
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":
    logging.disable(logging.INFO)
    asyncio.run(serve(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])))
