"""Reports rendered by real Celery workers on Redis and PostgreSQL: in the background while
the page stays responsive, and again, once, when the worker process dies mid-render."""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from outcomes import metrics, reports, services
from outcomes.models import Report
from outcomes.tasks import render_report
from tests.conftest import need, purge_broker, wait_for
from vicp.celery import app as celery_app

from .report_journeys import closed_case, pdf_text

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("reference_data")]
ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_an_impact_report_renders_in_the_background_while_its_page_answers(
    celery_worker, media, client_for, alice, sam, cambridgeshire, tmp_path
):
    need(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    closed_case(cambridgeshire, alice, sam)
    closed_case(cambridgeshire, alice, sam, start=4, end=5, caf_level=4)
    start, end = metrics.default_period()
    summary = metrics.impact_summary(project=cambridgeshire, start=start, end=end)
    assert summary["families_closed"] == 2 and summary["risk_decreased_pct"] == 50

    client = client_for(alice)
    report = services.request_report(
        kind="impact", by=alice, project=cambridgeshire, start=start, end=end
    )  # committed at once (transactional test): the worker gets it from Redis
    url = reverse("outcomes:report_detail", args=[report.pk])
    seen = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = client.get(url, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        badge = re.search(r'class="badge [^"]*">([^<]+)<', response.content.decode())
        assert badge, response.content.decode()  # every answer shows the status
        status = badge[1]
        seen.append(status)
        if status in ("Ready", "Failed"):
            break
        time.sleep(0.05)
    report.refresh_from_db()
    assert report.status == "done", report.error
    # The page answered before the report was done: it is rendered by the worker, never
    # in the request (a report rendered in-process would already be "Ready" at first look).
    assert "Being prepared" in seen

    download = client.get(reverse("outcomes:report_download", args=[report.pk]))
    text = " ".join(pdf_text(b"".join(download.streaming_content), tmp_path).split())
    headlines = text[text.index("Headline figures") : text.index("mean change per area")]
    for label, value, _ in reports.headline_figures(summary):
        assert value in headlines, label
    assert "50%" in headlines  # risk decreased in one of the two closed cases
    assert report.render_seconds > 0 and report.peak_memory_mb > 0


# --- A worker process killed while it renders ------------------------------------------------


def database_url():
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{quote(db['USER'])}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def report_worker(transactional_db, media, tmp_path):
    """A real `celery worker` process (prefork, one child) on the test database, whose
    first render is slow (tests/report_worker_app.py); yields (queue, markers folder)."""
    need(bool(settings.REDIS_URL), "needs Redis for a worker process (set REDIS_URL)")
    need(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    queue = f"test-reports-{uuid.uuid4().hex}"
    markers = tmp_path / "markers"
    markers.mkdir()
    log_path = tmp_path / "worker.log"
    log = open(log_path, "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.report_worker_app",
            "worker",
            "--queues",
            queue,
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
            "--hostname",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database_url(),
            "VICP_MEDIA_ROOT": str(media),
            "VICP_TEST_RENDER_FOLDER": str(markers),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    celery_app.conf.task_always_eager = False
    try:
        yield queue, markers, log_path
    finally:
        celery_app.conf.task_always_eager = True
        purge_broker()  # what the test's services sent to the default queue, no worker ran
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)
        log.close()


def test_a_report_whose_worker_process_dies_is_rendered_again_once(
    report_worker, media, alice, sam, cambridgeshire
):
    queue, markers, log_path = report_worker
    family = closed_case(cambridgeshire, alice, sam)
    with mock.patch.object(render_report, "delay"):  # sent to this test's queue instead
        report = services.request_report(kind="case_closure", by=alice, family=family)
    render_report.apply_async(args=[report.pk], queue=queue)

    def log():
        return log_path.read_text()

    assert wait_for(lambda: (markers / "started-1").exists(), timeout=60), log()
    report.refresh_from_db()
    assert (report.status, report.attempts) == ("running", 1)
    folder = media / "reports" / str(report.pk)
    assert wait_for(lambda: folder.exists() and any(folder.iterdir()), timeout=60)
    os.kill(int((markers / "started-1").read_text()), signal.SIGKILL)

    assert wait_for(lambda: (markers / "started-2").exists(), timeout=60), log()
    assert (markers / "started-2").read_text() != (markers / "started-1").read_text()
    assert wait_for(
        lambda: Report.objects.get(pk=report.pk).status in ("done", "failed"), timeout=60
    ), log()
    report.refresh_from_db()
    assert (report.status, report.attempts, report.error) == ("done", 2, "")
    name = f"case-closure-{report.pk}.pdf"
    assert sorted(p.name for p in folder.iterdir()) == [name]
    assert report.file.name == f"reports/{report.pk}/{name}"
    pdf = (folder / name).read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000  # the whole PDF, not the partial one
    assert not (markers / "started-3").exists()
