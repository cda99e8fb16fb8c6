"""The intake service as the runtime sees it."""

from pathlib import Path

from backbone.service import ServiceDefinition
from services.intake.access import RESOURCES
from services.intake.children.views import router as children_router
from services.intake.detentions.views import router as detentions_router
from services.intake.reports.handlers import (
    handle_case_closed,
    handle_children_without_care_found,
    handle_monitoring_started,
    handle_reporter_informed,
)
from services.intake.reports.views import router as reports_router

definition = ServiceDefinition(
    name="intake",
    title="Intake — mandatory reports and the 12355 hotline (强制报告)",
    description=(
        "Where a mandatory report (强制报告) enters the system: schools, kindergartens, hospitals, "
        "village and residents' committees, welfare institutions, social workers, the public and the "
        "12355 minor-protection hotline report a child in danger here, and the police give the children "
        "of a detained person left without care. Intake checks the report, finds or opens the child's "
        "file (一人一档) by blind index and opens or corroborates a case; it is the only service that "
        "keeps children's and reporters' personal data, sealed at rest. Every other service sees ids, "
        "codes and masked names only; reading a child's identity needs a purpose and is recorded. A "
        "report starts the `reporter.feedback` deadline."
    ),
    routers=(reports_router, children_router, detentions_router),
    handlers={
        "police.children_without_care_found": handle_children_without_care_found,
        "civil_affairs.reporter_informed": handle_reporter_informed,
        "civil_affairs.monitoring_started": handle_monitoring_started,
        "civil_affairs.case_closed": handle_case_closed,
    },
    migrations=(Path(__file__).parent / "migrations",),
    resources=RESOURCES,
    seals_personal_data=True,
)
