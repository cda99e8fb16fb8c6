"""`uvicorn services.routing.main:app`: the routing service alone (distributed mode)."""

from backbone.app import create_service_app

app = create_service_app("routing")
