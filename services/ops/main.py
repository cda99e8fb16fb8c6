"""`uvicorn services.ops.main:app`: the operations page alone (distributed mode; SERVICE_API_URLS names the
services' APIs, e.g. the gateway)."""

from backbone.app import create_service_app

app = create_service_app("ops")
