"""Push delivery: every event addressed to an agency, POSTed to the agency's own systems (webhooks)."""
