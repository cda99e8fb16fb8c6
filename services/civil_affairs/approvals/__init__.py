"""Steps civil affairs takes only with a supervisor's approval: closing a case while other agencies'
referrals are open, and applying to the court to revoke guardianship (监护干预)."""
