"""PDF reports rendered without Celery, the fetcher that keeps them to our own files, the
charts, and the task that renders and stores them."""

import base64
import datetime
import logging
import re
import subprocess

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone

from outcomes import charts, metrics, reports, services, tasks
from outcomes.models import Report
from outcomes.reference_data import FAMILY_STAR_PLUS
from outcomes.tasks import MAX_RETRIES, render_report
from vicp.celery import app
from vicp.settings import CELERY_BEAT_SCHEDULE
from volunteers import services as volunteer_services

from .report_journeys import closed_case, days_ago, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
AREA_NAMES = [name for _, name in FAMILY_STAR_PLUS]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # A cache of this module's own, so clearing it never touches Redis (the broker's too).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "report-tests",
        }
    }
    cache.clear()
    return settings.MEDIA_ROOT


@pytest.fixture
def case(cambridgeshire, alice, sam):
    return closed_case(cambridgeshire, alice, sam)


def queued(kind, by, **params):
    """A report as requested in the UI (the test's transaction never commits, so it stays
    queued until the test renders it)."""
    return services.request_report(kind=kind, by=by, **params)


def squash(text):
    return " ".join(text.split())


# --- Case closure -----------------------------------------------------------------------------


def test_the_case_closure_report_summarises_the_case(case, alice, tmp_path):
    text = pdf_text(reports.render_pdf(queued("case_closure", alice, family=case)), tmp_path)
    flat = squash(text)
    assert f"Case closure report: {case.case_reference}" in text
    assert "Routines and school attendance." in flat  # the referral's reasons
    assert "School on time every day" in flat  # the plan of work
    # Visits as a summary: three with contact (2 hours each), one attempt, no row per visit.
    assert re.search(r"Visits with contact\s+3 \(3 in person, 0 by phone, 0 by video\)", text)
    assert re.search(r"Attempts without\s+1", text)
    assert re.search(r"Hours with the family\s+6\.0", text)
    assert "Bruise on the arm noticed." in flat
    assert "1 concern raised; 1 still open." in flat
    # Family Star start → end in every area, with the chart.
    for name in AREA_NAMES:
        assert re.search(rf"{re.escape(name)}\s+3\s+6\s+\+3\.0", text), name
    # Level of need and each child's plan, first review → closure review.
    assert "4. Specialist / statutory" in flat and "2. Early help" in flat
    assert re.search(
        r"Amy \(7\)\s+Child protection plan\s+Child in need plan\s+80\.0% → 95\.0%", text
    )
    assert re.search(r"Ben \(3\)\s+Child in need plan\s+No plan", text)
    assert re.search(r"Warwick-Edinburgh.*Mother\s+40\s+52\s+\+12\.0", text)
    # The three evaluations: two given, the family's not yet.
    assert "Mornings are calm now" in flat
    assert "5 out of 5" in flat
    assert re.search(r"Family\s+Not received\.", text)
    assert "Amy reads every night." in flat


def test_typed_markup_stays_text_and_reads_no_file(case, alice, tmp_path):
    text = squash(
        pdf_text(reports.render_pdf(queued("case_closure", alice, family=case)), tmp_path)
    )
    assert '<img src="file:///etc/passwd">' in text  # printed, escaped, not fetched
    assert "root:x:0:0" not in text


def test_a_case_with_little_recorded_says_so(family, alice, tmp_path):
    text = squash(
        pdf_text(reports.render_pdf(queued("case_closure", alice, family=family)), tmp_path)
    )
    assert "Still open: this report shows the work so far" in text
    assert "No Family Star readings were taken." in text
    assert "No goals were recorded." in text
    assert "No concerns were raised." in text
    # The referral's level of need is the first risk review; there is nothing to compare yet.
    assert "No later review to compare with" in text


def test_the_case_closure_report_names_children_by_first_name_only(case, alice, tmp_path):
    text = pdf_text(reports.render_pdf(queued("case_closure", alice, family=case)), tmp_path)
    assert "Amy" in text and "Amy Doe" not in text
    assert "2 Test Road" not in text and "CB4 1AA" not in text  # no address in a report


# --- Volunteer record -------------------------------------------------------------------------


def test_the_volunteer_record_has_every_step_with_the_dbs_number_masked(
    ready_volunteer, alice, tmp_path
):
    volunteer_services.record_supervision(
        ready_volunteer, by=alice, held_on=days_ago(3), notes="Going well; private note."
    )
    report = queued("volunteer_record", alice, volunteer=ready_volunteer)
    text = pdf_text(reports.render_pdf(report), tmp_path)
    flat = squash(text)
    assert "Volunteer record: Val Green" in text
    for step in (
        "Informal interview",
        "Formal interview",
        "Enhanced DBS check",
        "Reference",
        "Initial training",
        "Post-training interview",
        "Signed off",
    ):
        assert step in text
    assert "001234567890" not in text
    assert "••••••••7890" in text
    assert "Satisfactory: Ruth Baker (Employer)" in flat
    assert "18 of 18 hours attended" in flat
    assert f"the last on {days_ago(3):%-d %b %Y}" in flat
    assert "private note" not in flat  # supervision notes stay in ViCP


# --- Programme impact -------------------------------------------------------------------------


def test_the_impact_report_leads_with_the_figures_of_impact_summary(
    case, alice, cambridgeshire, tmp_path
):
    start, end = metrics.default_period()
    summary = metrics.impact_summary(project=cambridgeshire, start=start, end=end)
    assert summary["families_closed"] == 1 and summary["risk_decreased_pct"] == 100
    report = queued("impact", alice, project=cambridgeshire, start=start, end=end)
    text = pdf_text(reports.render_pdf(report), tmp_path)
    flat = squash(text)
    headlines = flat[flat.index("Headline figures") : flat.index("mean change per area")]
    figures = reports.headline_figures(summary)
    assert len(figures) == 11
    for label, value, _ in figures:
        assert value in headlines, label
        assert label.split()[0] in headlines
    assert "100%" in text  # risk decreased in the one closed case
    assert f"{summary['families_removed_from_cp_plan']} of 1" in text
    assert reports.pounds(summary["net_savings"]) in text
    # Headlines first, then the charts, then the tables.
    order = [
        flat.index("Headline figures"),
        flat.index("Family Star: mean change per area"),
        flat.index("Volunteer recruitment funnel"),
        flat.index("Cost and savings"),
    ]
    assert order == sorted(order)
    for row in summary["star_change"]:
        assert re.search(rf"{re.escape(row['area'])}\s+1\s+3\.0\s+6\.0\s+\+3\.0", text)
    assert re.search(r"WEMWBS\)\s+1\s+40\.0\s+52\.0\s+—", text)  # one pair: no p-value
    for sentence in summary["savings_method"]:
        assert sentence.split(":")[0] in flat


def test_the_impact_report_summarises_rather_than_lists(case, alice, cambridgeshire, tmp_path):
    start, end = metrics.default_period()
    report = queued("impact", alice, project=cambridgeshire, start=start, end=end)
    text = pdf_text(reports.render_pdf(report), tmp_path)
    assert case.case_reference not in text
    pages = int(re.search(r"Page 1 of (\d+)", text).group(1))
    assert pages <= 5


def test_the_organisation_wide_report_is_for_all_projects(ada, case, tmp_path):
    start, end = metrics.default_period()
    report = queued("impact", ada, project=None, start=start, end=end)
    text = pdf_text(reports.render_pdf(report), tmp_path)
    assert "Programme impact report: All projects" in text


def test_p_values_and_money_are_printed_plainly():
    assert reports.p_value(None) == "—"
    assert reports.p_value(0.0004) == "< 0.001"
    assert reports.p_value(0.0312) == "0.031"
    assert reports.pounds(-1234.5) == "\u2212£1,234.50"  # a minus sign, not a hyphen
    assert reports.signed(0) == "0.0" and reports.signed(1.25) == "+1.2"


# --- The fetcher: our own static files and data: URLs, nothing else ---------------------------

ORIGIN = reports.ASSET_ORIGIN


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://example.org/x.png",
        "https://example.org/static/css/report.css",
        "ftp://example.org/x",
        f"{ORIGIN}/etc/passwd",
        f"{ORIGIN}/media/reports/1/impact-1.pdf",
        f"{ORIGIN}/static/../vicp/settings.py",
        f"{ORIGIN}/static/%2e%2e/vicp/settings.py",
        f"{ORIGIN}/static//etc/passwd",
        f"{ORIGIN}/static/css/missing.css",
        "https://vicp-report.invalid.example.org/static/css/report.css",
        "https://vicp-report.invalid@example.org/static/css/report.css",
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(reports.RefusedResource):
        reports.StaticFilesOnlyFetcher().fetch(url)


def test_the_fetcher_serves_a_static_file_and_a_data_url():
    fetcher = reports.StaticFilesOnlyFetcher()
    css = fetcher.fetch(f"{ORIGIN}/static/css/report.css")
    assert css.content_type == "text/css" and b"@font-face" in css.read()
    font = fetcher.fetch(f"{ORIGIN}/static/fonts/DejaVuSans.ttf")
    assert font.read(4) == b"\x00\x01\x00\x00"  # a TrueType font
    data = fetcher.fetch("data:text/plain;base64," + base64.b64encode(b"hello").decode())
    assert data.read() == b"hello"


def test_a_symbolic_link_out_of_the_static_files_is_refused(settings, tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "passwd.css").symlink_to("/etc/passwd")
    settings.STATICFILES_DIRS = [static]
    with pytest.raises(reports.RefusedResource, match="Outside the static directories"):
        reports.StaticFilesOnlyFetcher().fetch(f"{ORIGIN}/static/passwd.css")


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="file:///etc/passwd">',
        '<img src="http://127.0.0.1:9/x.png">',
        '<link rel="stylesheet" href="/static/css/not-there.css">',
        '<img src="/etc/passwd">',
    ],
)
def test_markup_that_reaches_for_a_resource_stops_the_pdf(markup):
    with pytest.raises(reports.RefusedResource):
        reports.html_to_pdf(f"<html><body><p>Hello</p>{markup}</body></html>")


def test_the_pdf_uses_the_fonts_shipped_with_the_project(case, alice, tmp_path, monkeypatch):
    fetched = []
    real = reports.StaticFilesOnlyFetcher.fetch

    def recording(self, url, headers=None):
        fetched.append(url)
        return real(self, url, headers)

    monkeypatch.setattr(reports.StaticFilesOnlyFetcher, "fetch", recording)
    path = tmp_path / "fonts.pdf"
    path.write_bytes(reports.render_pdf(queued("case_closure", alice, family=case)))
    paths = {url.removeprefix(ORIGIN) for url in fetched if not url.startswith("data:")}
    assert paths == {
        "/static/css/report.css",
        "/static/fonts/DejaVuSans.ttf",
        "/static/fonts/DejaVuSans-Bold.ttf",
    }
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(line.split()[-5] == "yes" for line in rows)  # every font embedded


# --- Charts -----------------------------------------------------------------------------------


def test_charts_are_svg_with_text_as_text_and_nothing_external():
    svg = charts.star_chart(AREA_NAMES, [("Start", [3] * 10), ("End", [6] * 10)])
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert re.search(r"<text[^>]*>[^<]*Physical", svg)  # text stays text, for search and size
    assert "Start" in svg and "End" in svg
    assert not re.search(r'(xlink:)?href="(?!#)', svg)  # no link to anything outside
    assert "<image" not in svg and "<dc:date>" not in svg


def test_the_same_input_draws_the_same_chart(monkeypatch):
    funnel = [("Applied", 10), ("Interviewed", 7), ("Not progressed (alternatives)", 2)]
    first = charts.funnel_chart(funnel)
    cache.clear()
    assert charts.funnel_chart(funnel) == first
    assert charts.funnel_chart([*funnel[:2], ("Signed off", 5)]) != first


def test_charts_are_cached_by_their_input(monkeypatch):
    drawn = []
    real = charts._render
    monkeypatch.setattr(
        charts, "_render", lambda draw, data: drawn.append(data) or real(draw, data)
    )
    rows = [{"area": name, "n": 2, "mean_change": 1.5} for name in AREA_NAMES]
    svg = charts.star_change_chart(rows)
    assert charts.star_change_chart(rows) == svg
    assert len(drawn) == 1
    charts.star_change_chart([{**rows[0], "mean_change": -0.5}, *rows[1:]])
    assert len(drawn) == 2


def test_a_chart_becomes_a_data_uri():
    svg = charts.funnel_chart([("Applied", 3)])
    uri = charts.as_data_uri(svg)
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode() == svg


def test_star_change_says_when_an_area_has_no_pairs():
    rows = [{"area": "Physical health", "n": 0, "mean_change": None}]
    assert "no pairs" in charts.star_change_chart(rows)


# --- The task ---------------------------------------------------------------------------------


@pytest.fixture
def eager_retries():
    """Run retries inline, as a worker would run them later (eager mode otherwise raises
    celery's Retry to the caller)."""

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


def files_of(report, media):
    folder = media / "reports" / str(report.pk)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_the_task_renders_and_stores_the_pdf(case, alice, media):
    report = queued("case_closure", alice, family=case)
    render_report.apply(args=[report.pk])
    report.refresh_from_db()
    assert report.status == "done" and report.error == ""
    assert report.file.name == f"reports/{report.pk}/case-closure-{report.pk}.pdf"
    with report.file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert report.attempts == 1 and report.started_at <= report.finished_at
    assert report.render_seconds > 0 and report.peak_memory_mb > 10


def test_running_it_twice_leaves_one_file_and_one_attempt(case, alice, media):
    report = queued("case_closure", alice, family=case)
    render_report.apply(args=[report.pk])
    finished = Report.objects.get(pk=report.pk).finished_at
    render_report.apply(args=[report.pk])
    report.refresh_from_db()
    assert (report.status, report.attempts, report.finished_at) == ("done", 1, finished)
    assert files_of(report, media) == [f"case-closure-{report.pk}.pdf"]


def test_a_run_after_a_worker_died_replaces_what_it_left(case, alice, media):
    report = queued("case_closure", alice, family=case)
    # The first attempt died while writing: a partial file, under its name and another.
    folder = media / "reports" / str(report.pk)
    folder.mkdir(parents=True)
    (folder / f"case-closure-{report.pk}.pdf").write_bytes(b"%PDF-1.7 partial")
    (folder / f"case-closure-{report.pk}_a1b2c3d.pdf").write_bytes(b"%PDF-1.7 partial")
    Report.objects.filter(pk=report.pk).update(
        status="running", attempts=1, started_at=timezone.now()
    )
    render_report.apply(args=[report.pk])
    report.refresh_from_db()
    assert (report.status, report.attempts) == ("done", 2)
    assert files_of(report, media) == [f"case-closure-{report.pk}.pdf"]
    with report.file.open("rb") as pdf:
        assert len(pdf.read()) > 1000


def test_a_report_that_does_not_exist_is_ignored():
    assert render_report.apply(args=[424242]).successful()


def test_a_failure_is_recorded_with_its_reason(case, alice, media, monkeypatch, caplog):
    def broken(report):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(reports, "render_pdf", broken)
    report = queued("case_closure", alice, family=case)
    with caplog.at_level(logging.ERROR, logger="outcomes.tasks"):
        render_report.apply(args=[report.pk])
    report.refresh_from_db()
    assert (report.status, report.error) == ("failed", "RuntimeError: fonts missing")
    assert report.finished_at is not None and not report.file
    assert files_of(report, media) == []
    assert f"Report {report.pk} failed" in caplog.text


def test_markup_reaching_for_a_file_fails_the_report_loudly(case, alice, monkeypatch):
    monkeypatch.setattr(reports, "render_html", lambda report: '<img src="file:///etc/passwd">')
    report = queued("case_closure", alice, family=case)
    render_report.apply(args=[report.pk])
    report.refresh_from_db()
    assert report.status == "failed"
    assert report.error.startswith("RefusedResource: Refused to fetch 'file:///etc/passwd'")


@pytest.mark.parametrize("error", [OSError("disk full"), OperationalError("server closed")])
def test_a_transient_error_is_retried_with_backoff(case, alice, monkeypatch, eager_retries, error):
    real, calls, delays = reports.render_pdf, [], []

    def flaky(report):
        calls.append(report.pk)
        if len(calls) < 3:
            raise error
        return real(report)

    real_retry = render_report.retry

    def retry(**kwargs):
        delays.append(kwargs.get("countdown"))
        return real_retry(**kwargs)

    monkeypatch.setattr(reports, "render_pdf", flaky)
    monkeypatch.setattr(render_report, "retry", retry)
    report = queued("case_closure", alice, family=case)
    render_report.apply(args=[report.pk])
    report.refresh_from_db()
    assert (report.status, report.attempts, report.error) == ("done", 3, "")
    assert delays == [1, 2]  # exponential: 1 s, 2 s, 4 s... up to 10 minutes


def test_after_the_last_retry_the_report_has_failed(case, alice, monkeypatch, eager_retries):
    calls = []

    def always(report):
        calls.append(report.pk)
        raise OSError("disk full")

    monkeypatch.setattr(reports, "render_pdf", always)
    report = queued("case_closure", alice, family=case)
    render_report.apply(args=[report.pk])
    report.refresh_from_db()
    assert len(calls) == MAX_RETRIES + 1 == report.attempts
    assert report.status == "failed"
    assert report.error == (
        f"Gave up after {MAX_RETRIES + 1} attempts because of a temporary problem that did "
        "not go away (OSError: disk full)."
    )


def test_between_retries_the_report_says_it_will_try_again(case, alice, monkeypatch, eager_retries):
    seen = []

    def flaky(report):
        seen.append(Report.objects.get(pk=report.pk).status)
        if len(seen) == 1:
            raise OSError("disk full")
        seen.append(Report.objects.get(pk=report.pk).error)
        return b"%PDF-1.7 test"

    monkeypatch.setattr(reports, "render_pdf", flaky)
    monkeypatch.setattr(
        render_report,
        "retry",
        lambda real=render_report.retry, **kwargs: (
            seen.append(Report.objects.get(pk=report.pk).error) or real(**kwargs)
        ),
    )
    report = queued("case_closure", alice, family=case)
    render_report.apply(args=[report.pk])
    assert seen[0] == "running"
    assert seen[1] == "Trying again after a temporary problem (OSError: disk full)"
    assert seen[2:] == ["running", ""]  # the next attempt starts afresh


def test_a_report_that_runs_out_of_time_says_so(case, alice, monkeypatch):
    def endless(report):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(reports, "render_pdf", endless)
    report = queued("case_closure", alice, family=case)
    render_report.apply(args=[report.pk])
    report.refresh_from_db()
    assert report.status == "failed" and report.attempts == 1
    assert report.error == "It took longer than 4 minutes to prepare; ask for a shorter period."


def test_the_task_has_time_limits():
    assert (render_report.soft_time_limit, render_report.time_limit) == (240, 300)


def test_a_report_whose_task_was_lost_is_queued_again_after_30_minutes(
    alice, cambridgeshire, monkeypatch
):
    now, today = timezone.now(), timezone.localdate()
    period = {"project": cambridgeshire, "start": today, "end": today}
    queued_report = queued("impact", alice, **period)
    running_report = queued("impact", alice, **period)
    recent = queued("impact", alice, **period)
    Report.objects.filter(pk=queued_report.pk).update(
        created_at=now - datetime.timedelta(minutes=31)
    )
    Report.objects.filter(pk=running_report.pk).update(
        status="running",
        created_at=now - datetime.timedelta(hours=1),
        started_at=now - datetime.timedelta(minutes=31),
    )
    Report.objects.filter(pk=recent.pk).update(created_at=now - datetime.timedelta(minutes=29))
    sent = []
    monkeypatch.setattr(tasks.render_report, "delay", sent.append)
    assert tasks.requeue_stalled_reports() == 2
    assert sorted(sent) == sorted([queued_report.pk, running_report.pk])


def test_beat_looks_for_lost_reports_every_quarter_of_an_hour():
    entry = CELERY_BEAT_SCHEDULE["stalled-reports"]
    assert entry["task"] == "outcomes.tasks.requeue_stalled_reports"
    assert entry["schedule"].minute == {0, 15, 30, 45}
