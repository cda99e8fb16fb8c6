"""The civil_affairs service as the runtime sees it: shared inbox, casework, joint meeting office."""

from pathlib import Path

from backbone.service import ServiceDefinition
from contracts.events.common import Agency
from services.agency import AGENCY_MIGRATIONS
from services.agency.access import referral_loaders
from services.agency.deadlines.views import deadlines_router
from services.agency.metrics import inbox_gauges
from services.agency.referrals import referral_handlers, referrals_router
from services.civil_affairs.approvals.access import approval_facts
from services.civil_affairs.approvals.views import router as approvals_router
from services.civil_affairs.casework.service import check_file_complete
from services.civil_affairs.casework.views import router as casework_router
from services.civil_affairs.emergencies.handlers import emergency_handlers, watches_case_referrals
from services.civil_affairs.escalations.handlers import office_accepts, office_handlers
from services.civil_affairs.escalations.views import router as escalations_router

definition = ServiceDefinition(
    name="civil_affairs",
    title="Civil affairs — assessment, assistance and guardianship (评估帮扶, 监护干预)",
    description=(
        "Civil affairs leads assessment and assistance (评估帮扶) and guardianship intervention "
        "(监护干预) and hosts the joint meeting office (联席会议办公室): the inbox of referrals routing "
        "addressed to civil affairs in the caller's districts — accept (受理), decline, complete — and "
        "the lead's casework on the child's case file: the assessment (stops `assessment`; a guardianship "
        "failure starts `guardianship.decision`), the assistance plan, the intervention, the placement "
        "(临时监护, kinship, foster; stops `civil_affairs.placement`), monitoring with the child "
        "director's (儿童主任) monthly visits (`child_director.visit`), telling the reporter the outcome "
        "(stops `reporter.feedback`) and closing the case. The joint meeting office reads its escalation "
        "queue here."
    ),
    routers=(
        deadlines_router(Agency.CIVIL_AFFAIRS),
        referrals_router(Agency.CIVIL_AFFAIRS, completion_guard=check_file_complete),
        casework_router,
        approvals_router,
        escalations_router,
    ),
    handlers={
        **(inbox := referral_handlers(Agency.CIVIL_AFFAIRS)),
        **emergency_handlers(inbox),
        **office_handlers(),
    },
    accepts=lambda event: office_accepts(event) or watches_case_referrals(event),
    # No pre-parse filter by agency: every agency's referrals are watched and any agency's escalation
    # may reach the office.
    metrics=(inbox_gauges,),
    resources={**referral_loaders(Agency.CIVIL_AFFAIRS), "approval": approval_facts},
    migrations=(AGENCY_MIGRATIONS, Path(__file__).resolve().parent / "migrations"),
)
