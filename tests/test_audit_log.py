"""The audit log as a person reads it: who (name and role), did what (in words), to
which record (named and linked only where the reader may open it); its filters, and
its exports, which need the password again."""

import io
import time
from datetime import timedelta

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from families import services as family_services
from outcomes.models import Report
from tests.exports import csv_rows
from vicp import audit, audit_labels, dates
from vicp.models import AuditEvent
from vicp.selectors import audit_events_visible_to

from .factories import (
    PASSWORD,
    ConcernFactory,
    ProjectManagerFactory,
    SocialWorkerFactory,
    TrainingSessionFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db
LOG = reverse("vicp:audit_log")
CSV = reverse("vicp:audit_log_export", args=["csv"])
XLSX = reverse("vicp:audit_log_export", args=["xlsx"])
CONFIRM = reverse("vicp:confirm_password")


@pytest.fixture
def events(alice, charlie, cambridgeshire, southend):
    return {
        "cam": audit.record(
            "family.viewed", actor=alice, obj=cambridgeshire, project=cambridgeshire
        ),
        "sth": audit.record("family.viewed", actor=charlie, obj=southend, project=southend),
    }


def confirm_password(client, next_url=CSV):
    return client.post(CONFIRM, {"password": PASSWORD, "next": next_url})


def entries(response):
    return response.context["entries"]


def shown(client, **query):
    """The events the log shows with these filters."""
    response = client.get(LOG, query)
    assert response.status_code == 200
    return list(response.context["page"])


def shown_of(trail, client, **query):
    """The events of `trail` the log shows with these filters (the factories write
    events of their own), in the log's order."""
    return [event for event in shown(client, **query) if event in trail.values()]


# --- Who may read it -----------------------------------------------------------------


def test_anonymous_visitors_are_asked_to_sign_in(client):
    assert client.get(LOG)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["sam", "vera"])
def test_social_workers_and_volunteers_get_404(client_for, cast, who):
    client = client_for(cast[who])
    assert client.get(LOG).status_code == 404
    assert client.get(CSV).status_code == 404
    assert client.get(XLSX).status_code == 404


def test_a_project_manager_sees_only_their_projects_events(client_for, alice, events):
    assert shown(client_for(alice)) == [events["cam"]]


def test_an_admin_sees_every_event(client_for, ada, events):
    assert {events["cam"], events["sth"]} <= set(shown(client_for(ada)))


# --- In words ------------------------------------------------------------------------


def test_the_actor_is_named_with_their_role_and_the_action_in_words(client_for, alice, events):
    response = client_for(alice).get(LOG)
    [entry] = entries(response)
    assert (entry.who, entry.email, entry.did) == (
        "Alice Archer, project manager",
        "alice@example.org",
        "viewed the family page",
    )
    assert "Alice Archer, project manager" in response.content.decode()


def test_an_event_without_a_person_says_so(client_for, ada):
    audit.record("auth.login_failed", username="someone@example.org")
    [entry] = entries(client_for(ada).get(LOG, {"action": "auth.login_failed"}))
    assert (entry.who, entry.did) == (
        "No one signed in",
        "failed to sign in as someone@example.org",
    )


def test_an_unknown_action_reads_as_its_code_in_words(client_for, alice, cambridgeshire):
    audit.record("claims.archived_for_good", actor=alice, project=cambridgeshire)
    [entry] = entries(client_for(alice).get(LOG))
    assert entry.did == "claims archived for good"


def _record_of(client, obj, action="x.y", *, actor, project):
    """The record of an event about `obj`, as the log words and links it."""
    event = audit.record(action, actor=actor, obj=obj, project=project)
    response = client.get(LOG, {"record_type": event.object_type, "record": event.object_id})
    [entry] = [entry for entry in entries(response) if entry.event == event]
    return entry.record, entry.url


@pytest.mark.usefixtures("reference_data")
def test_each_record_is_named_and_linked(client_for, alice, cambridgeshire, family, match, sam):
    client = client_for(alice)
    doe = f"{family.case_reference} (Doe family)"

    def record(obj, action="x.y"):
        return _record_of(client, obj, action, actor=alice, project=cambridgeshire)

    assert record(family) == (doe, reverse("families:detail", args=[family.pk]))
    assert record(family.referral) == (
        f"Referral {family.referral.pk}: Doe family",
        reverse("referrals:detail", args=[family.referral.pk]),
    )
    volunteer = match.volunteer
    assert record(volunteer) == ("Val Green", reverse("volunteers:detail", args=[volunteer.pk]))
    assert record(match) == (
        f"Match of {doe} with Val Green",
        reverse("families:detail", args=[family.pk]),
    )
    child = family.children.order_by("pk").first()
    assert record(child) == (
        f"{child.first_name}, a child of {doe}",
        reverse("families:details", args=[family.pk]),
    )
    visit = family_services.log_visit(
        match=match,
        by=volunteer.user,
        visited_on=match.started_on,
        duration_minutes=60,
        engagement=3,
        miles=5,
    )
    assert record(visit) == (
        f"Visit on {dates.day(visit.visited_on)} to {family.case_reference}",
        reverse("families:visit_detail", args=[visit.pk]),
    )
    concern = ConcernFactory(family=family)
    assert record(concern) == (
        f"Concern {concern.pk} about {doe}",
        reverse("families:concern", args=[concern.pk]),
    )
    report = Report.objects.create(
        kind=Report.Kind.CASE_CLOSURE, project=cambridgeshire, family=family, requested_by=alice
    )
    assert record(report) == (
        f"Case closure report for {doe}",
        reverse("outcomes:report_detail", args=[report.pk]),
    )
    session = TrainingSessionFactory(project=cambridgeshire, title="Safeguarding basics")
    words, url = record(session)
    assert words.startswith("Training session: Safeguarding basics (")
    assert url == reverse("volunteers:training_detail", args=[session.pk])
    # People and projects have no page of their own for a manager: named, not linked.
    assert record(sam) == ("Sam Shah, social worker", None)
    assert record(cambridgeshire) == ("Cambridgeshire (CAM)", None)


def test_an_admin_opens_people_and_projects_in_the_admin(client_for, ada, alice, cambridgeshire):
    ada.is_staff = True
    ada.save()
    client = client_for(ada)
    assert _record_of(client, alice, actor=ada, project=None) == (
        "Alice Archer, project manager",
        reverse("admin:vicp_user_change", args=[alice.pk]),
    )
    assert _record_of(client, cambridgeshire, actor=ada, project=cambridgeshire)[1] == reverse(
        "admin:vicp_project_change", args=[cambridgeshire.pk]
    )


def test_the_page_shows_the_words_and_the_link(client_for, alice, family):
    audit.record("family.viewed", actor=alice, obj=family)
    html = client_for(alice).get(LOG).content.decode()
    link = reverse("families:detail", args=[family.pk])
    assert f'href="{link}">{family.case_reference} (Doe family)</a>' in html
    assert "viewed the family page" in html
    assert f"families.family {family.pk}" not in html


def test_a_record_the_reader_may_not_see_shows_its_type_and_number_only(
    client_for, alice, charlie, family, southend
):
    # An event of Charlie's project about a Cambridgeshire case (as a case moved away
    # leaves its earlier events with the project it left).
    event = audit.record("family.viewed", actor=charlie, obj=family, project=southend)
    client = client_for(charlie)
    for query in ({}, {"record_type": "families.family"}, {"record": family.pk}):
        response = client.get(LOG, query)
        [entry] = entries(response)
        assert entry.event == event
        assert (entry.record, entry.url) == (f"Family case {family.pk}", None)
        html = response.content.decode()
        assert family.case_reference not in html
        assert "Doe" not in html
        assert reverse("families:detail", args=[family.pk]) not in html


def test_a_manager_of_another_project_sees_no_event_nor_name_of_this_one(
    client_for, alice, charlie, family
):
    audit.record("family.viewed", actor=alice, obj=family)
    client = client_for(charlie)
    for query in ({}, {"record_type": "families.family"}, {"record": family.case_reference}):
        response = client.get(LOG, query)
        assert list(response.context["page"]) == []
        html = response.content.decode()
        assert "Doe" not in html
        if not query.get("record"):
            assert family.case_reference not in html


@pytest.mark.usefixtures("reference_data")
def test_an_allegation_is_named_only_for_the_safeguarding_lead(
    client_for, alice, cambridgeshire, family
):
    allegation = ConcernFactory(family=family, kind="allegation", subject_description="A volunteer")
    other_manager = ProjectManagerFactory()
    cambridgeshire.managers.add(other_manager)
    cambridgeshire.safeguarding_lead = alice
    cambridgeshire.save()
    event = audit.record("concern.viewed", actor=alice, obj=allegation, project=cambridgeshire)
    [lead] = [e for e in entries(client_for(alice).get(LOG)) if e.event == event]
    assert lead.record == f"Allegation {allegation.pk} about {family.case_reference} (Doe family)"
    [other] = [e for e in entries(client_for(other_manager).get(LOG)) if e.event == event]
    assert (other.record, other.url) == (f"Concern {allegation.pk}", None)


# --- Filters -------------------------------------------------------------------------


@pytest.fixture
def trail(alice, sam, family, cambridgeshire):
    """Alice viewed the family page and changed the family; Sam viewed the referral;
    a concern was escalated (no one signed in)."""
    return {
        "viewed": audit.record("family.viewed", actor=alice, obj=family),
        "changed": audit.record("family.changed", actor=alice, obj=family, fields=["phone"]),
        "referral": audit.record("referral.viewed", actor=sam, obj=family.referral),
        "escalated": audit.record("concern.escalated", project=cambridgeshire),
    }


def test_the_person_list_holds_the_people_of_the_events_one_may_see(
    client_for, alice, charlie, events
):
    form = client_for(alice).get(LOG).context["filter"].form
    choices = dict(form.fields["person"].choices)
    assert choices[str(alice.pk)] == "Alice Archer, project manager"
    assert str(charlie.pk) not in choices
    assert choices["nobody"] == "No one signed in"


def test_filter_by_person(client_for, alice, sam, trail):
    client = client_for(alice)
    assert shown_of(trail, client, person=sam.pk) == [trail["referral"]]
    assert all(event.actor == sam for event in shown(client, person=sam.pk))
    assert shown_of(trail, client, person=alice.pk) == [trail["changed"], trail["viewed"]]
    assert shown(client, person="nobody") == [trail["escalated"]]


def test_filter_by_record_type_and_number(client_for, alice, family, trail):
    client = client_for(alice)
    referrals = shown(client, record_type="referrals.referral")
    assert trail["referral"] in referrals
    assert all(event.object_type == "referrals.referral" for event in referrals)
    by_number = shown(client, record_type="families.family", record=family.pk)
    assert {trail["viewed"], trail["changed"]} <= set(by_number)
    assert {event.object_id for event in by_number} == {str(family.pk)}


def test_filter_by_case_reference(client_for, alice, family, trail):
    client = client_for(alice)
    found = shown(client, record=family.case_reference.lower())
    assert shown_of(trail, client, record=family.case_reference) == [
        trail["changed"],
        trail["viewed"],
    ]
    assert {(event.object_type, event.object_id) for event in found} == {
        ("families.family", str(family.pk))
    }
    assert shown(client, record="CAM-1999-9999") == []


def test_filter_by_action_and_by_group(client_for, alice, trail):
    client = client_for(alice)
    assert shown(client, action="family.changed") == [trail["changed"]]
    form = client.get(LOG).context["filter"].form
    groups = dict(form.fields["action"].choices)
    cases = dict(groups["Family cases"])
    assert cases["family.viewed"] == "Viewed the family page"
    group_value = next(value for value in cases if value.startswith("group:"))
    assert shown_of(trail, client, action=group_value) == [trail["changed"], trail["viewed"]]


def test_filter_by_dates(client_for, alice, trail):
    client = client_for(alice)
    today = timezone.localdate()
    assert trail["changed"] in shown(client, date_from=today.isoformat())
    assert shown(client, date_from=(today + timedelta(days=1)).isoformat()) == []
    assert shown(client, date_to=(today - timedelta(days=1)).isoformat()) == []


def test_hide_viewed_events_leaves_the_changes(client_for, alice, trail):
    client = client_for(alice)
    assert shown_of(trail, client, hide_viewed="on") == [trail["escalated"], trail["changed"]]
    assert not any(event.action.endswith(".viewed") for event in shown(client, hide_viewed="on"))


def test_the_filters_combine(client_for, alice, family, trail):
    client = client_for(alice)
    today = timezone.localdate().isoformat()
    assert shown_of(
        trail,
        client,
        person=alice.pk,
        record_type="families.family",
        record=family.case_reference,
        action="group:family-cases",
        date_from=today,
        date_to=today,
        hide_viewed="on",
    ) == [trail["changed"]]


def test_the_filters_stay_in_the_page_and_download_links(client_for, alice, cambridgeshire):
    for _ in range(51):
        audit.record("family.changed", actor=alice, project=cambridgeshire)
    html = client_for(alice).get(LOG, {"person": alice.pk, "hide_viewed": "on"}).content.decode()
    query = f"person={alice.pk}&amp;hide_viewed=on"
    assert f"?{query}&amp;page=2" in html
    assert f"{CSV}?{query}" in html
    assert f"{XLSX}?{query}" in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"date_from": "2026-11-02", "date_to": "2026-11-01"}, "date_to", "before the start"),
        ({"date_from": "31/31/2026"}, "date_from", "valid date"),
        ({"person": "abc"}, "person", "valid choice"),
        ({"person": "999999999999999999999"}, "person", "valid choice"),
        ({"action": "not.an.action"}, "action", "valid choice"),
        ({"record_type": "families.nothing"}, "record_type", "valid choice"),
        ({"record": "a\x00b"}, "record", "Null characters"),
        ({"record_type": "referrals.referral", "record": "CAM-1"}, "record", "number"),
    ],
)
def test_bad_filters_are_explained_next_to_their_field(client_for, alice, query, field, message):
    response = client_for(alice).get(LOG, query)
    assert response.status_code == 200
    assert message in str(response.context["filter"].form.errors[field])
    assert 'class="invalid-feedback"' in response.content.decode() or "is-invalid" in (
        response.content.decode()
    )


# --- Exports -------------------------------------------------------------------------


def test_export_asks_for_the_password_first(client_for, alice, events):
    client = client_for(alice)
    response = client.get(CSV)
    assert response.status_code == 302
    assert response["Location"].startswith(CONFIRM)
    wrong = client.post(CONFIRM, {"password": "not-my-password", "next": CSV})
    assert "not your password" in str(wrong.context["form"].errors["password"])
    confirmed = confirm_password(client)
    assert confirmed.context["download_url"] == CSV
    assert confirmed.context["back_url"] == reverse("vicp:audit_log")
    export = client.get(CSV)
    assert export.status_code == 200
    rows = csv_rows(export)
    assert rows[0] == [
        "When",
        "Who",
        "Email",
        "Did",
        "Record",
        "Action code",
        "Record type",
        "Record id",
        "Project",
        "IP address",
    ]
    assert [row[1:6] for row in rows[1:]] == [
        [
            "Alice Archer, project manager",
            "alice@example.org",
            "viewed the family page",
            "Cambridgeshire (CAM)",
            "family.viewed",
        ]
    ]
    exported = AuditEvent.objects.get(action="audit.exported", actor=alice)
    assert exported.details["format"] == "csv"


def test_the_exports_hold_what_the_filters_show(client_for, alice, sam, family, trail):
    client = client_for(alice)
    confirm_password(client)
    query = {"person": alice.pk, "hide_viewed": "on"}
    expected = [
        event
        for event in AuditEvent.objects.filter(actor=alice)
        if not event.action.endswith(".viewed") and event.project is not None
    ]
    rows = csv_rows(client.get(CSV, query))
    assert [row[5] for row in rows[1:]] == [event.action for event in expected]
    assert ["corrected the family's details", f"{family.case_reference} (Doe family)"] in [
        row[3:5] for row in rows[1:]
    ]
    exported = AuditEvent.objects.get(action="audit.exported", actor=alice)
    assert exported.details["filters"] == {"person": str(alice.pk), "hide_viewed": "on"}
    assert exported.details["count"] == len(expected)


def test_the_xlsx_export_has_words_codes_and_real_dates(client_for, alice, family, trail):
    client = client_for(alice)
    confirm_password(client, XLSX)
    response = client.get(XLSX, {"action": "family.changed"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="vicp-audit-log.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.values)
    assert header[:6] == ("When", "Who", "Email", "Did", "Record", "Action code")
    [row] = rows
    assert row[1:8] == (
        "Alice Archer, project manager",
        "alice@example.org",
        "corrected the family's details",
        f"{family.case_reference} (Doe family)",
        "family.changed",
        "families.family",
        str(family.pk),
    )
    assert row[0].date() == timezone.localdate()
    assert AuditEvent.objects.get(action="audit.exported").details["format"] == "xlsx"


def test_an_export_reads_with_its_rows_and_format(client_for, ada, events):
    # An export belongs to no one project: administrators see it.
    client = client_for(ada)
    confirm_password(client, XLSX)
    client.get(XLSX, {"action": "family.viewed", "person": events["cam"].actor_id})
    exported = entries(client.get(LOG, {"action": "audit.exported"}))
    assert [entry.did for entry in exported] == ["exported the audit log (1 row, XLSX)"]


def test_an_export_words_every_event_a_batch_at_a_time(alice, family, cambridgeshire):
    for _ in range(5):
        audit.record("family.changed", actor=alice, obj=family)
    events = audit_events_visible_to(alice).filter(action="family.changed")
    worded = list(audit_labels.all_entries(alice, events, batch=2))
    assert [entry.event for entry in worded] == list(events)
    assert {entry.record for entry in worded} == {f"{family.case_reference} (Doe family)"}


def test_the_confirmation_lasts_ten_minutes(client_for, alice):
    client = client_for(alice)
    confirm_password(client)
    with time_machine.travel(time.time() + 9 * 60):
        assert client.get(CSV).status_code == 200
    with time_machine.travel(time.time() + 11 * 60):
        assert client.get(CSV).status_code == 302


def test_the_export_never_starts_a_cell_with_a_formula(client_for, alice, cambridgeshire):
    odd = SocialWorkerFactory(email="=1+2@example.org", first_name="=cmd", last_name="")
    audit.record("family.viewed", actor=odd, obj=cambridgeshire, project=cambridgeshire)
    client = client_for(alice)
    confirm_password(client)
    rows = csv_rows(client.get(CSV))
    assert "'=1+2@example.org" in [row[2] for row in rows[1:]]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_a_volunteer_applying_is_worded_without_a_person(client_for, alice, cambridgeshire):
    volunteer = VolunteerFactory(project=cambridgeshire, first_name="Nia", last_name="Obi")
    audit.record("volunteer.applied", obj=volunteer)
    [entry] = entries(client_for(alice).get(LOG, {"action": "volunteer.applied"}))
    assert (entry.who, entry.did, entry.record) == (
        "No one signed in",
        "applied to volunteer",
        "Nia Obi",
    )
