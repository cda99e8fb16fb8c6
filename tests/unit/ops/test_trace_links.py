"""A case page links its trace in Jaeger: by trace id when Jaeger knows one, else a search by the case tag."""

from urllib.parse import parse_qs, urlsplit

from services.ops.pages import trace_search_url, trace_url


def test_case_pages_link_jaeger_by_trace_id_or_by_the_case_tag() -> None:
    assert trace_url("http://127.0.0.1:16686/", "abc123") == "http://127.0.0.1:16686/trace/abc123"
    search = urlsplit(trace_search_url("http://127.0.0.1:16686", "case-1"))
    assert search.path == "/search"
    assert parse_qs(search.query)["tags"] == ['{"case.id":"case-1"}']
