"""Requests per second of each page through gunicorn, as a fraction of the floor's.

Each page is measured the same way as the floor and interleaved with it, so that
both see the same machine: in each of `rounds` rounds, the floor, the floor
requested with the page's session cookie (what a signed-in request costs before
the page does anything: the session, the user, the two-step device), then the
page get `requests / rounds` GETs from `concurrency` client threads (one new
connection per request, as gunicorn's sync workers close them), after a short
warm-up. The ratios page/floor and page/session floor are the figures that
survive a noisy machine.
"""

import threading
import time
from dataclasses import dataclass, field

from django.conf import settings

from .pages import percentile
from .server import get


@dataclass
class Rate:
    requests: int = 0
    seconds: float = 0.0
    latencies: list = field(default_factory=list)  # ms
    statuses: dict = field(default_factory=dict)

    @property
    def requests_per_second(self):
        return self.requests / self.seconds if self.seconds else None

    @property
    def p95_ms(self):
        return percentile(self.latencies, 0.95) if self.latencies else None

    @property
    def errors(self):
        return sum(n for status, n in self.statuses.items() if status != 200)

    def add(self, other):
        self.requests += other.requests
        self.seconds += other.seconds
        self.latencies += other.latencies
        for status, n in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n


def rate(port, path, *, cookie=None, requests=60, concurrency=2, max_seconds=10.0):
    """`requests` GETs (fewer if `max_seconds` runs out first: slow pages)."""
    lock = threading.Lock()
    remaining = [requests]
    measured = Rate()
    deadline = time.perf_counter() + max_seconds

    def worker():
        while True:
            with lock:
                if remaining[0] <= 0 or time.perf_counter() > deadline:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                status = get(port, path, cookie=cookie)[0]
            except OSError as error:
                status = type(error).__name__
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                measured.requests += 1
                measured.latencies.append(elapsed)
                measured.statuses[status] = measured.statuses.get(status, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    measured.seconds = time.perf_counter() - started
    return measured


def session_cookie(session_key):
    return f"{settings.SESSION_COOKIE_NAME}={session_key}"


@dataclass
class Ratio:
    label: str
    page: Rate | None
    floor: Rate | None
    note: str = ""
    session_floor: Rate | None = None  # the floor with the page's session cookie

    @property
    def fraction(self):
        return _fraction(self.page, self.floor)

    @property
    def fraction_of_session_floor(self):
        return _fraction(self.page, self.session_floor)


def _fraction(page, floor):
    if not (page and floor and page.requests_per_second and floor.requests_per_second):
        return None
    return page.requests_per_second / floor.requests_per_second


def ratio(port, path, cookie, *, floor_path, requests=60, concurrency=2, rounds=3, label=""):
    for _ in range(2 * concurrency):  # warm up both workers on the three pages
        get(port, floor_path)
        get(port, floor_path, cookie=cookie)
        get(port, path, cookie=cookie)
    floor, session_floor, page = Rate(), Rate(), Rate()
    per_round = max(requests // rounds, concurrency)
    for _ in range(rounds):
        floor.add(rate(port, floor_path, requests=per_round, concurrency=concurrency))
        session_floor.add(
            rate(port, floor_path, cookie=cookie, requests=per_round, concurrency=concurrency)
        )
        page.add(rate(port, path, cookie=cookie, requests=per_round, concurrency=concurrency))
    return Ratio(label, page, floor, session_floor=session_floor)


def warm_up(port, pages, sessions, *, floor_path, concurrency=2, requests=20):
    """Every gunicorn worker loads its URLs, templates and connections on its first
    requests: done before any measuring, or the first page's floor is measured cold."""
    rate(port, floor_path, requests=requests, concurrency=concurrency)
    for page in pages:
        if page.url is not None:
            cookie = session_cookie(sessions[page.role])
            rate(port, page.url, cookie=cookie, requests=requests, concurrency=concurrency)


def ratios(port, pages, sessions, *, floor_path, requests=60, concurrency=2, log=print):
    warm_up(port, pages, sessions, floor_path=floor_path, concurrency=concurrency)
    results = []
    for page in pages:
        if page.url is None:
            results.append(Ratio(page.label, None, None, "not built yet"))
            continue
        log(f"  {page.label}")
        results.append(
            ratio(
                port,
                page.url,
                session_cookie(sessions[page.role]),
                floor_path=floor_path,
                requests=requests,
                concurrency=concurrency,
                label=page.label,
            )
        )
    return results
