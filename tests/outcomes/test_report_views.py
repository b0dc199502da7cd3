"""Asking for reports, following them and downloading them: who may, and what they see."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from outcomes import services
from outcomes.models import Report
from outcomes.tasks import render_report
from tests import factories
from tests.conftest import sign_in
from vicp.models import AuditEvent

from .helpers import accepted_family, worked_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def impact(by, project, **dates):
    today = timezone.localdate()
    return services.request_report(
        kind="impact",
        by=by,
        project=project,
        start=dates.get("start", today - datetime.timedelta(days=365)),
        end=dates.get("end", today),
    )


def closure(by, family):
    return services.request_report(kind="case_closure", by=by, family=family)


def rendered(report):
    render_report.apply(args=[report.pk])
    report.refresh_from_db()
    return report


def assert_sent_to_sign_in(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- The list ---------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, alice, cambridgeshire):
    report = impact(alice, cambridgeshire)
    for url in (
        reverse("outcomes:report_list"),
        reverse("outcomes:report_detail", args=[report.pk]),
        reverse("outcomes:report_download", args=[report.pk]),
    ):
        assert_sent_to_sign_in(client.get(url))


def test_each_person_lists_only_the_reports_they_may_see(
    client_for, alice, charlie, sam, sally, ada, family, cambridgeshire, southend
):
    ours = impact(alice, cambridgeshire)
    theirs = impact(charlie, southend)
    organisation = impact(ada, None)
    case = closure(alice, family)

    def listed(user):
        client = client_for(user)
        response = client.get(reverse("outcomes:report_list"))
        assert response.status_code == 200
        client.logout()
        return {report.pk for report in response.context["page"]}

    assert listed(alice) == {ours.pk, case.pk}
    assert listed(charlie) == {theirs.pk}
    assert listed(ada) == {ours.pk, theirs.pk, organisation.pk, case.pk}
    assert listed(sam) == {case.pk}  # the closure report of the family he referred
    assert listed(sally) == set()


def test_the_matched_volunteer_does_not_see_the_case_closure_report(client_for, match, alice):
    # It holds the referral, the concerns and the other evaluations: not a volunteer's.
    case = closure(alice, match.family)
    client = client_for(match.volunteer.user)
    page = client.get(reverse("outcomes:report_list"))
    assert list(page.context["page"]) == []
    assert page.context["form"] is None  # volunteers ask for nothing
    assert client.get(reverse("outcomes:report_detail", args=[case.pk])).status_code == 404


def test_the_list_is_paginated_by_25(client_for, alice, cambridgeshire):
    for _ in range(26):
        impact(alice, cambridgeshire)
    client = client_for(alice)
    first = client.get(reverse("outcomes:report_list"))
    second = client.get(reverse("outcomes:report_list") + "?page=2")
    assert len(first.context["page"]) == 25 and len(second.context["page"]) == 1
    assert "Page 1 of 2" in first.content.decode()


def test_the_list_costs_the_same_queries_for_2_or_50_reports(
    client_for, alice, cambridgeshire, sam, django_assert_max_num_queries
):
    client = client_for(alice)
    url = reverse("outcomes:report_list")
    client.get(url)
    counts = []
    for total in (2, 50):
        while Report.objects.count() < total:
            # A mix of kinds, so each row's family, volunteer and project are all shown.
            kind = Report.objects.count() % 3
            if kind == 0:
                impact(alice, cambridgeshire)
            elif kind == 1:
                closure(alice, accepted_family(cambridgeshire, alice, sam))
            else:
                services.request_report(
                    kind="volunteer_record",
                    by=alice,
                    volunteer=factories.VolunteerFactory(project=cambridgeshire),
                )
        with django_assert_max_num_queries(25) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert len(response.context["page"]) == min(total, 25)  # the first page
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Asking for an impact report --------------------------------------------------------------


def test_a_manager_chooses_among_their_projects_and_the_last_12_months(
    client_for, alice, cambridgeshire, southend
):
    page = client_for(alice).get(reverse("outcomes:report_list"))
    form = page.context["form"]
    assert list(form.fields["project"].queryset) == [cambridgeshire]
    html = page.content.decode()
    assert "All projects" not in html
    today = timezone.localdate()
    assert f'<input type="date" name="end" value="{today:%Y-%m-%d}"' in html  # a date picker
    start = form["start"].value()
    assert (today - start).days in (364, 365)  # the last twelve months, today included
    assert f'<input type="date" name="start" value="{start:%Y-%m-%d}"' in html


def test_an_administrator_may_choose_all_projects(client_for, ada, cambridgeshire, southend):
    client = client_for(ada)
    assert "All projects" in client.get(reverse("outcomes:report_list")).content.decode()
    response = client.post(
        reverse("outcomes:report_list"),
        {"project": "", "start": "01/04/2025", "end": "31/03/2026"},
    )
    report = Report.objects.get()
    assert response["Location"] == reverse("outcomes:report_detail", args=[report.pk])
    assert (report.kind, report.project, report.requested_by) == ("impact", None, ada)
    assert report.parameters == {"start": "2025-04-01", "end": "2026-03-31"}


def test_a_manager_asks_for_an_impact_report_and_follows_it(
    client_for, alice, cambridgeshire, django_capture_on_commit_callbacks
):
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("outcomes:report_list"),
            {"project": cambridgeshire.pk, "start": "01/04/2025", "end": "31/03/2026"},
        )
    report = Report.objects.get()
    assert response["Location"] == reverse("outcomes:report_detail", args=[report.pk])
    report.refresh_from_db()
    assert report.project == cambridgeshire and report.status == "done"  # tasks run inline here
    html = client.get(response["Location"]).content.decode()
    assert "has been asked for" in html  # the message, which says nothing of its state
    # Made before the page loaded: ready, and nothing on the page says otherwise.
    assert "Ready" in html and reverse("outcomes:report_download", args=[report.pk]) in html
    assert "being prepared" not in html.lower() and "every 2s" not in html
    assert AuditEvent.objects.filter(action="report.requested", actor=alice).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"start": "01/04/2026", "end": "31/03/2026"}, "end", "The period ends before it starts."),
        ({"start": "31/02/2026", "end": "31/03/2026"}, "start", "Give the date as day/month/year"),
        ({"start": "", "end": "31/03/2026"}, "start", "Give the first day of the period."),
        ({"project": "", "start": "01/04/2025"}, "project", "This field is required."),
        ({"project": "southend"}, "project", "Select a valid choice."),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_kept(
    client_for, alice, cambridgeshire, southend, data, field, message
):
    posted = {"project": cambridgeshire.pk, "start": "01/04/2025", "end": "31/03/2026", **data}
    if posted["project"] == "southend":
        posted["project"] = southend.pk
    response = client_for(alice).post(reverse("outcomes:report_list"), posted)
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    html = response.content.decode()
    assert f'id="error_1_id_{field}"' in html  # next to the field (crispy)
    for name in ("start", "end"):
        if posted[name]:
            assert f'value="{posted[name]}"' in html  # what was typed is kept
    assert not Report.objects.exists()


def test_a_manager_cannot_ask_for_the_organisation_wide_report(alice):
    with pytest.raises(ValidationError, match="Choose a project"):
        impact(alice, None)


@pytest.mark.parametrize("who", ["sam", "vera"])
def test_social_workers_and_volunteers_cannot_ask_for_impact_reports(
    client_for, cast, cambridgeshire, who
):
    response = client_for(cast[who]).post(
        reverse("outcomes:report_list"),
        {"project": cambridgeshire.pk, "start": "01/04/2025", "end": "31/03/2026"},
    )
    assert response.status_code == 404
    assert not Report.objects.exists()


# --- The report page --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["charlie", "sally", "sam", "vera", "una"])
def test_outsiders_get_404_for_a_report(client_for, cast, cambridgeshire, who):
    report = rendered(impact(cast["alice"], cambridgeshire))
    client = client_for(cast[who])
    assert client.get(reverse("outcomes:report_detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("outcomes:report_download", args=[report.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="report.downloaded").exists()
    refusals = AuditEvent.objects.filter(action="access.refused", actor=cast[who])
    assert refusals.filter(object_type="outcomes.report", object_id=str(report.pk)).count() == 2


def test_the_organisation_wide_report_is_for_administrators_only(client_for, ada, alice, charlie):
    report = impact(ada, None)
    url = reverse("outcomes:report_detail", args=[report.pk])
    assert client_for(ada).get(url).status_code == 200
    for manager in (alice, charlie):
        assert client_for(manager).get(url).status_code == 404


def test_the_report_page_updates_itself_while_it_is_prepared(client_for, alice, cambridgeshire):
    report = impact(alice, cambridgeshire)
    client = client_for(alice)
    url = reverse("outcomes:report_detail", args=[report.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page and "Being prepared" in page
    assert '<meta http-equiv="refresh" content="5">' in page  # without JavaScript
    assert "Alice Archer" in page  # who asked
    assert f'hx-get="{url}?shown=queued-0"' in page
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="report-status"')
    assert "<html" not in fragment and "every 2s" in fragment
    # Polling while nothing changed: no content, nothing swapped, nothing announced again.
    unchanged = client.get(url + "?shown=queued-0", HTTP_HX_REQUEST="true")
    assert unchanged.status_code == 204 and unchanged.content == b""

    rendered(report)
    fragment = client.get(url + "?shown=queued-0", HTTP_HX_REQUEST="true").content.decode()
    assert "every 2s" not in fragment  # finished: the polling stops
    assert "Ready" in fragment and "Download the PDF" in fragment
    # People are told when it was ready, not the machine's figures (those are logged).
    assert "Finished" in fragment and "seconds" not in fragment and "MB" not in fragment


def test_a_failed_report_says_why(client_for, alice, cambridgeshire):
    report = impact(alice, cambridgeshire)
    Report.objects.filter(pk=report.pk).update(
        status="failed", error="RuntimeError: fonts missing", finished_at=timezone.now()
    )
    page = client_for(alice).get(reverse("outcomes:report_detail", args=[report.pk]))
    html = page.content.decode()
    assert "Failed" in html and "RuntimeError: fonts missing" in html
    assert "every 2s" not in html and "Download the PDF" not in html


# --- Download ---------------------------------------------------------------------------------


def test_the_download_is_the_pdf_as_an_attachment_and_is_audited(client_for, alice, cambridgeshire):
    report = rendered(impact(alice, cambridgeshire))
    response = client_for(alice).get(reverse("outcomes:report_download", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="impact-CAM-')
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    event = AuditEvent.objects.get(action="report.downloaded")
    assert (event.actor, event.object_type, event.object_id, event.project) == (
        alice,
        "outcomes.report",
        str(report.pk),
        cambridgeshire,
    )


def test_a_report_that_is_not_ready_cannot_be_downloaded(client_for, alice, cambridgeshire):
    report = impact(alice, cambridgeshire)
    response = client_for(alice).get(reverse("outcomes:report_download", args=[report.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="report.downloaded").exists()


def test_the_referring_social_worker_downloads_the_case_closure_report(
    client_for, alice, sam, family
):
    report = rendered(closure(alice, family))
    response = client_for(sam).get(reverse("outcomes:report_download", args=[report.pk]))
    assert response.status_code == 200
    assert f'filename="case-closure-{family.case_reference}.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action="report.downloaded", actor=sam).exists()


# --- Asking for a case closure report or a volunteer record -----------------------------------


def test_the_referring_social_worker_asks_for_the_case_closure_report(client_for, sam, family):
    url = reverse("outcomes:request_case_closure_report", args=[family.pk])
    client = client_for(sam)
    assert client.get(url).status_code == 405
    response = client.post(url)
    report = Report.objects.get()
    assert response["Location"] == reverse("outcomes:report_detail", args=[report.pk])
    assert (report.kind, report.family, report.requested_by) == ("case_closure", family, sam)
    assert client.get(response["Location"]).status_code == 200


def test_a_manager_asks_for_the_case_closure_report(client_for, alice, family):
    response = client_for(alice).post(
        reverse("outcomes:request_case_closure_report", args=[family.pk])
    )
    assert response.status_code == 302 and Report.objects.get().requested_by == alice


@pytest.mark.parametrize("who", ["charlie", "sally", "vera", "una", "anonymous"])
def test_others_cannot_ask_for_a_case_closure_report(client, client_for, cast, family, who):
    url = reverse("outcomes:request_case_closure_report", args=[family.pk])
    if who == "anonymous":
        assert_sent_to_sign_in(client.post(url))
    else:
        assert client_for(cast[who]).post(url).status_code == 404
    assert not Report.objects.exists()


def test_the_familys_volunteer_cannot_ask_for_the_case_closure_report(client_for, match):
    url = reverse("outcomes:request_case_closure_report", args=[match.family.pk])
    assert client_for(match.volunteer.user).post(url).status_code == 404
    assert not Report.objects.exists()


def test_a_social_worker_asks_only_for_families_they_referred(
    client_for, alice, sam, cambridgeshire
):
    colleague = factories.SocialWorkerFactory()

    assign_perm("vicp.refer_to_project", colleague, cambridgeshire)
    theirs = accepted_family(cambridgeshire, alice, colleague)
    url = reverse("outcomes:request_case_closure_report", args=[theirs.pk])
    client = client_for(sam)
    assert client.post(url).status_code == 404
    assert not Report.objects.exists()
    report = closure(alice, theirs)
    assert client.get(reverse("outcomes:report_detail", args=[report.pk])).status_code == 404


def test_a_manager_asks_for_a_volunteer_record(client_for, alice, ready_volunteer):
    url = reverse("outcomes:request_volunteer_record", args=[ready_volunteer.pk])
    response = client_for(alice).post(url)
    report = Report.objects.get()
    assert response["Location"] == reverse("outcomes:report_detail", args=[report.pk])
    assert (report.kind, report.volunteer, report.project) == (
        "volunteer_record",
        ready_volunteer,
        ready_volunteer.project,
    )


@pytest.mark.parametrize("who", ["charlie", "sam", "sally", "vera", "anonymous", "themselves"])
def test_others_cannot_ask_for_a_volunteer_record(client, client_for, cast, ready_volunteer, who):
    url = reverse("outcomes:request_volunteer_record", args=[ready_volunteer.pk])
    if who == "anonymous":
        assert_sent_to_sign_in(client.post(url))
    else:
        user = ready_volunteer.user if who == "themselves" else cast[who]
        assert client_for(user).post(url).status_code == 404
    assert not Report.objects.exists()


# --- Where the buttons are --------------------------------------------------------------------


def test_the_family_page_offers_the_report_to_those_who_may_ask(client, alice, sam, match):
    family = match.family
    report = closure(alice, family)
    url = reverse("families:outcomes", args=[family.pk])
    button = reverse("outcomes:request_case_closure_report", args=[family.pk])
    for user in (alice, sam):
        html = sign_in(client, user).get(url).content.decode()
        assert button in html and "Make the case closure report" in html
        assert reverse("outcomes:report_detail", args=[report.pk]) in html
        client.logout()
    html = sign_in(client, match.volunteer.user).get(url).content.decode()
    assert button not in html
    assert reverse("outcomes:report_detail", args=[report.pk]) not in html


def test_the_volunteer_page_offers_the_record(client_for, alice, ready_volunteer):
    html = client_for(alice).get(reverse("volunteers:detail", args=[ready_volunteer.pk]))
    assert reverse("outcomes:request_volunteer_record", args=[ready_volunteer.pk]) in (
        html.content.decode()
    )
    assert "Make a volunteer record (PDF)" in html.content.decode()


def test_the_menu_links_to_reports_for_managers(client, alice, sam):
    link = f'href="{reverse("outcomes:report_list")}"'
    page = reverse("families:list")
    assert link in sign_in(client, alice).get(page).content.decode()
    client.logout()
    assert link not in sign_in(client, sam).get(page).content.decode()


def test_pages_work_with_a_family_worked_with(client_for, alice, sam, cambridgeshire):
    # A closed family whose report was made: the family page lists it with its status.
    family = accepted_family(cambridgeshire, alice, sam)
    worked_with(family, alice)
    report = rendered(closure(alice, family))
    html = client_for(alice).get(reverse("families:outcomes", args=[family.pk])).content.decode()
    assert "Ready" in html and reverse("outcomes:report_detail", args=[report.pk]) in html
