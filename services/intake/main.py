"""`uvicorn services.intake.main:app`: the intake service alone (distributed mode)."""

from backbone.app import create_service_app

app = create_service_app("intake")
