"""Intake's view of cases: which reports belong to one incident, and whether the case is still open."""
