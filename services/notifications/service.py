"""The notifications service as the runtime sees it: webhook subscriptions and the delivery worker."""

from pathlib import Path

from backbone.service import ServiceDefinition
from services.notifications.access import RESOURCES
from services.notifications.deliveries.queueing import queue_deliveries
from services.notifications.deliveries.views import router as deliveries_router
from services.notifications.deliveries.worker import run_delivery_worker
from services.notifications.metrics import delivery_gauges
from services.notifications.subscriptions.views import router as subscriptions_router

definition = ServiceDefinition(
    name="notifications",
    title="Notifications — signed push delivery of agencies' events to their systems (webhooks)",
    routers=(subscriptions_router, deliveries_router),
    # Every event the catalogue addresses to agencies is observed in the inbox's transaction, which
    # queues its deliveries; the worker sends them, so no emitting service ever waits on a receiver.
    envelope_observers=(queue_deliveries,),
    background=(run_delivery_worker,),
    migrations=(Path(__file__).resolve().parent / "migrations",),
    metrics=(delivery_gauges,),
    resources=RESOURCES,
)
