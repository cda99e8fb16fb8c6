"""Versioned event contracts: the envelope, every event type, and the catalogue that lists them."""
