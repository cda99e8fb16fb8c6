"""Police detentions: a detained person's minor children without care, reported to intake by the police."""
