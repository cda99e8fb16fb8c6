"""The operations page (`/ops/`): live cases, deadlines, breaches and compliance for supervisors and the
operations team, read from the other services' public APIs with the signed-in person's own token."""
