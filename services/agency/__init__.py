"""The referral inbox every agency mounts: written once, with its own migrations applied in each schema."""

from pathlib import Path

AGENCY_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
