"""Other agencies' referrals of a case: a case is not closed while one is open (an emergency never,
any other without a supervisor's approval)."""
