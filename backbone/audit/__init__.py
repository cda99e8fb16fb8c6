"""The tamper-evident audit trail every service keeps: who did what, when, on which ids."""
