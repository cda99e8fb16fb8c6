"""`uvicorn services.civil_affairs.main:app`: the civil_affairs service alone (distributed mode)."""

from backbone.app import create_service_app

app = create_service_app("civil_affairs")
