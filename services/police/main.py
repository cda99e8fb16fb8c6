"""`uvicorn services.police.main:app`: the police service alone (distributed mode)."""

from backbone.app import create_service_app

app = create_service_app("police")
