"""SERVICE_API_URLS: where this process reads other services (the operations page, an agency's deadlines):
one base URL for every service, or service=URL pairs (one process per service)."""

from backbone.settings import Settings


def test_default_is_this_process() -> None:
    assert Settings(BACKBONE_PORT=8100).service_api_urls == {"*": "http://127.0.0.1:8100"}


def test_one_base_or_one_per_service() -> None:
    assert Settings(SERVICE_API_URLS="http://gateway:8000/").service_api_urls == {"*": "http://gateway:8000"}
    urls = Settings(
        SERVICE_API_URLS="routing=http://127.0.0.1:8002, civil_affairs=http://127.0.0.1:8006/"
    ).service_api_urls
    assert urls["routing"] == "http://127.0.0.1:8002" and urls["civil_affairs"] == "http://127.0.0.1:8006"
