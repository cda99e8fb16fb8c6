"""What the test command provides through the environment: the real infrastructure's addresses."""

from __future__ import annotations

import os

import pytest


def required_env(name: str) -> str:
    """The variable's value; the test fails (never skips) when the test command did not provide it."""
    value = os.environ.get(name)
    if not value:
        pytest.fail(
            f"{name} is not set: run the suite with ./test.sh, which starts PostgreSQL, Kafka and Keycloak "
            "(deploy/local) when they are not given",
            pytrace=False,
        )
    return value
