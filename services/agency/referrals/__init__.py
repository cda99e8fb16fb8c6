"""The `referrals` feature: an agency's inbox of referrals (转介) and the 受理/decline/complete steps."""

from services.agency.referrals.handlers import addressed_by_headers, addressed_to, referral_handlers
from services.agency.referrals.service import require_accepted
from services.agency.referrals.views import referrals_router

__all__ = [
    "addressed_by_headers",
    "addressed_to",
    "referral_handlers",
    "referrals_router",
    "require_accepted",
]
