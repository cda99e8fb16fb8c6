"""The case's emergency referrals other agencies hold: a case is not closed while one is open."""
