"""SQL queries and server time of each main page, measured in-process.

Each page is requested through Django's test client as the role that uses it
(with a real session, two-step sign-in done): once to warm up, once under
`CaptureQueriesContext` to count its queries (and keep the slowest), then
`requests` times (fewer for a page so slow that 30 s run out, at least 5) for
the median and 95th percentile of the time the server spends on it. Nothing
is mocked: same settings, database and middleware as the gunicorn the other
measures use.
"""

import math
import statistics
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class PageResult:
    label: str
    url: str | None
    queries: int | None = None
    median_ms: float | None = None
    p95_ms: float | None = None
    bytes: int | None = None
    requests: int = 0
    slowest: list = field(default_factory=list)  # [(ms, sql)]
    note: str = ""
    error: str = ""


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def client_for(session_key):
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def measure_page(page, session_key, *, requests=30, max_seconds=30.0):
    """Queries and timings of one page; fewer than `requests` timings (at least 5) when
    `max_seconds` runs out first."""
    result = PageResult(page.label, page.url)
    if page.url is None:
        result.note = f"{page.url_name} does not reverse yet: skipped"
        return result
    client = client_for(session_key)
    try:
        response = client.get(page.url)
        if response.status_code != 200:
            result.error = f"answered {response.status_code}"
            return result
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.url)
        result.queries = len(captured.captured_queries)
        result.bytes = len(response.content)
        result.slowest = sorted(
            ((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries),
            reverse=True,
        )[:3]
        timings = []
        deadline = time.perf_counter() + max_seconds
        while len(timings) < requests and (len(timings) < 5 or time.perf_counter() < deadline):
            started = time.perf_counter()
            response = client.get(page.url)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                result.error = f"answered {response.status_code}"
                return result
    except Exception as error:  # reported in the table; the bench goes on
        result.error = f"{type(error).__name__}: {error}"[:200]
        return result
    result.requests = len(timings)
    result.median_ms = statistics.median(timings)
    result.p95_ms = percentile(timings, 0.95)
    return result


def measure_pages(pages, sessions, *, requests=30, log=print):
    results = []
    for page in pages:
        log(f"  {page.label}")
        results.append(measure_page(page, sessions[page.role], requests=requests))
    return results
