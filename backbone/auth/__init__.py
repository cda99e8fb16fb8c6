"""Who is calling and what they may do: bearer tokens verified against an issuer, access policy as data."""
