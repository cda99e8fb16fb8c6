"""`uvicorn services.health.main:app`: the health service alone (distributed mode)."""

from backbone.app import create_service_app

app = create_service_app("health")
