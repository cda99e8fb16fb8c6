"""Reading a service's Prometheus metrics the way Prometheus does: scrape, parse, sum what matches."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, frozenset], float]
# The account Prometheus scrapes with (scope metrics.read); every metrics route needs a token.
SCRAPER = "metrics-scraper"


async def scrape(client: httpx.AsyncClient, path: str) -> Samples:
    """`GET path`, parsed: (sample name, labels) -> value."""
    answer = await client.get(path)
    assert answer.status_code == 200, f"{path}: {answer.status_code}"
    assert answer.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sum over the samples of `name` whose labels include `labels` (0 if none)."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


def label_values(samples: Samples, name: str, label: str) -> set[str]:
    """The values `label` takes on the samples of `name`."""
    return {dict(ls)[label] for n, ls in samples if n == name and label in dict(ls)}
