"""A report is shown in one state at a time, the same wherever it is shown: its page (and
what the page is sent while it polls), the list of reports and the family's page. Never
"ready" and "being prepared" at once, whatever an earlier run left."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import Report

from .test_report_views import closure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
LIST = reverse("outcomes:report_list")
STATES = ("Being prepared", "Ready", "Failed")


def as_status(report, status, *, days_ago=None, attempts=1, file="", finished=True):
    fields = {"status": status, "attempts": attempts, "file": file}
    fields["finished_at"] = timezone.now() if finished else None
    if days_ago is not None:
        fields["created_at"] = timezone.now() - datetime.timedelta(days=days_ago)
    Report.objects.filter(pk=report.pk).update(**fields)
    report.refresh_from_db()
    return report


def states_in(html):
    """The states the page shows a report in (its badges), each once."""
    return sorted(set(re.findall(r'class="badge [^"]*">([^<]+)<', html)) & set(STATES))


@pytest.mark.parametrize(
    ("status", "attempts", "shown"),
    [
        ("queued", 0, "Being prepared"),
        ("running", 1, "Being prepared"),
        ("queued", 2, "Being prepared"),  # tried again after a temporary problem
        ("running", 3, "Being prepared"),
        ("done", 1, "Ready"),
        ("failed", 2, "Failed"),
    ],
)
def test_a_report_is_shown_in_one_state_everywhere(
    client_for, alice, family, status, attempts, shown
):
    report = closure(alice, family)
    # What an earlier run left (a file, when it finished) does not change what is shown.
    as_status(report, status, attempts=attempts, file="reports/1/case-closure-1.pdf")
    client = client_for(alice)
    detail = reverse("outcomes:report_detail", args=[report.pk])
    pages = {
        "page": client.get(detail).content.decode(),
        "polled": client.get(detail, HTTP_HX_REQUEST="true").content.decode(),
        "list": client.get(LIST).content.decode(),
        "family": client.get(reverse("families:outcomes", args=[family.pk])).content.decode(),
    }
    for where, html in pages.items():
        assert states_in(html) == [shown], where
    download = reverse("outcomes:report_download", args=[report.pk])
    for where in ("page", "polled"):
        html = pages[where]
        assert (download in html) == (shown == "Ready"), where
        assert ("every 2s" in html) == (shown == "Being prepared"), where
        assert ("This page updates itself." in html) == (shown == "Being prepared"), where
        assert ("Finished" in html) == (shown != "Being prepared"), where
        assert ("could not be made" in html) == (shown == "Failed"), where
        if shown != "Being prepared":
            assert "being prepared" not in html.lower(), where


def test_a_report_asked_for_again_after_a_problem_is_only_being_prepared(client_for, alice, family):
    """Queued to try again, with the error that made it wait, after an earlier run wrote
    its file and its finishing time."""
    report = as_status(closure(alice, family), "queued", attempts=1, file="reports/1/old.pdf")
    Report.objects.filter(pk=report.pk).update(
        error="Trying again after a temporary problem (OSError: disk full)"
    )
    html = client_for(alice).get(reverse("outcomes:report_detail", args=[report.pk]))
    html = html.content.decode()
    assert states_in(html) == ["Being prepared"]
    assert "Trying again after a temporary problem" in html
    assert "Download the PDF" not in html and "Finished" not in html
    assert (
        client_for(alice).get(reverse("outcomes:report_download", args=[report.pk])).status_code
        == 404
    )


def test_polling_is_told_nothing_until_what_is_shown_changes(client_for, alice, family):
    report = as_status(closure(alice, family), "queued", attempts=0, finished=False)
    client = client_for(alice)
    url = reverse("outcomes:report_detail", args=[report.pk])
    page = client.get(url).content.decode()
    assert f"?shown={report.progress_key}" in page
    assert (
        client.get(f"{url}?shown={report.progress_key}", HTTP_HX_REQUEST="true").status_code == 204
    )
    shown = report.progress_key
    as_status(report, "running", attempts=1, finished=False)
    fragment = client.get(f"{url}?shown={shown}", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert f"?shown={report.progress_key}" in fragment.content.decode()
    assert states_in(fragment.content.decode()) == ["Being prepared"]


def test_every_status_has_one_state():
    assert set(Report.STATES) == set(Report.Status.values)
    for state in Report.State.values:
        for status in Report.statuses_shown_as(state):
            assert Report(status=status).state == state
