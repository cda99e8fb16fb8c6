"""Routing's cases: triage on report, referrals and their re-routing, priority, status and timeline."""
