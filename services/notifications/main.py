"""`uvicorn services.notifications.main:app`: the push-delivery service alone (distributed mode)."""

from backbone.app import create_service_app

app = create_service_app("notifications")
