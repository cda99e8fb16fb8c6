"""`uvicorn services.education.main:app`: the education service alone (distributed mode)."""

from backbone.app import create_service_app

app = create_service_app("education")
