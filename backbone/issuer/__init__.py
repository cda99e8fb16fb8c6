"""The built-in OAuth 2.0 issuer for the embedded default and the tests (a city uses its own platform)."""
