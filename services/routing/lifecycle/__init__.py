"""The referral lifecycle as routing keeps it: holds, progress notes and withdrawals (FHIR Task states)."""
