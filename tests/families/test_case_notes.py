"""Case notes: the contact log of a family case, read and written by its managers and
social worker, never by a volunteer; sensitive notes are the managers' only."""

import datetime
import json

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from families import policy, services
from families.models import CaseNote
from families.selectors import case_notes_visible_to
from outcomes.reports import case_closure_context
from tests import factories
from tests.test_retention import closed, years_ago
from vicp.composition import retention
from vicp.composition import subject_access as sar
from vicp.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def an_hour_ago():
    return timezone.now() - datetime.timedelta(hours=1)


def write(family, by, **extra):
    fields = {
        "kind": "phone",
        "with_whom": "social_worker",
        "summary": "Agreed the next review date.",
        "happened_at": an_hour_ago(),
    } | extra
    return services.write_case_note(family=family, by=by, **fields)


def notes_url(family):
    return reverse("families:notes", args=[family.pk])


def new_note_url(family):
    return reverse("families:add_case_note", args=[family.pk])


def correct_url(note):
    return reverse("families:correct_case_note", args=[note.pk])


def form_data(**extra):
    return {
        "note-kind": "phone",
        "note-with_whom": "family",
        "note-with_whom_detail": "Mum",
        # Yesterday, so that the moment is past whatever the time the suite runs.
        "note-happened_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "note-happened_time": "00:01",
        "note-summary": "Mum says the school run is going better.",
    } | extra


# --- Who reads and writes -------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"), [("alice", 200), ("sam", 200), ("charlie", 404), ("sally", 404)]
)
def test_the_notes_tab_is_for_the_managers_and_the_social_worker(
    who, status, cast, family, client_for
):
    note = write(family, cast["alice"])
    client = client_for(cast[who])
    assert client.get(notes_url(family)).status_code == status
    assert client.get(new_note_url(family)).status_code == status
    assert client.post(new_note_url(family), form_data()).status_code in (
        (302,) if status == 200 else (404,)
    )
    # Sam did not write Alice's note: only its writer and the managers correct it.
    correct_status = 200 if who == "alice" else 404
    assert client.get(correct_url(note)).status_code == correct_status


def test_volunteers_never_see_notes_not_even_the_matched_one(match, vera, client_for):
    note = write(match.family, match.started_by)
    for volunteer in (match.volunteer.user, vera):
        client = client_for(volunteer)
        for url in (notes_url(match.family), new_note_url(match.family), correct_url(note)):
            assert client.get(url).status_code == 404, url
            assert client.post(url, form_data()).status_code == 404, url
    page = client_for(match.volunteer.user).get(reverse("families:detail", args=[match.family.pk]))
    assert notes_url(match.family) not in page.content.decode()
    assert CaseNote.objects.count() == 1


def test_a_note_written_appears_in_the_list_newest_first_with_who_and_how(
    family, alice, sam, client_for
):
    write(family, alice, happened_at=an_hour_ago() - datetime.timedelta(days=2), summary="Older")
    write(family, sam, kind="email", with_whom="school", with_whom_detail="Head of Year 3")
    page = client_for(alice).get(notes_url(family)).content.decode()
    assert page.index("Head of Year 3") < page.index("Older")
    assert "Email with the school (Head of Year 3)" in page
    assert "written by Sam Shah" in page
    assert "written by Alice Archer" in page


def test_the_social_worker_writes_a_note_from_the_tab(family, sam, client_for):
    response = client_for(sam).post(new_note_url(family), form_data())
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert (note.written_by, note.kind, note.with_whom, note.with_whom_detail) == (
        sam,
        "phone",
        "family",
        "Mum",
    )
    assert not note.sensitive
    assert AuditEvent.objects.filter(action="case_note.written", actor=sam).exists()


def test_a_sensitive_note_is_hidden_from_the_social_worker(family, alice, sam, client_for):
    secret = write(family, alice, sensitive=True, summary="Mum disclosed a new partner.")
    write(family, alice, summary="Review booked.")
    sam_client = client_for(sam)
    page = sam_client.get(notes_url(family)).content.decode()
    assert "Review booked." in page
    assert "new partner" not in page
    assert "Sensitive" not in page
    assert sam_client.get(correct_url(secret)).status_code == 404
    history = sam_client.get(reverse("families:history", args=[family.pk])).content.decode()
    assert history.count("Note: Phone call") == 1
    alice_page = client_for(alice).get(notes_url(family)).content.decode()
    assert "new partner" in alice_page and "Sensitive: managers only" in alice_page


def test_only_managers_mark_a_note_sensitive(family, sam, client_for):
    form = client_for(sam).get(notes_url(family)).content.decode()
    assert "note-sensitive" not in form
    client_for(sam).post(new_note_url(family), form_data(**{"note-sensitive": "on"}))
    assert CaseNote.objects.get().sensitive is False
    with pytest.raises(Exception, match="managers mark a note sensitive"):
        write(family, sam, sensitive=True)


def test_a_social_worker_who_wrote_a_note_corrects_it_while_they_may_read_it(
    family, alice, sam, client_for
):
    note = write(family, sam)
    assert client_for(sam).get(correct_url(note)).status_code == 200
    services.correct_case_note(note, by=alice, sensitive=True)
    assert client_for(sam).get(correct_url(note)).status_code == 404


def test_a_closed_case_takes_no_new_note_but_its_notes_can_be_corrected(family, alice, client_for):
    note = write(family, alice)
    services.close_case(family, by=alice, reason="Work done", missing_reason="disengaged")
    family.refresh_from_db()
    assert not policy.may_write_case_note(alice, family)
    client = client_for(alice)
    page = client.get(notes_url(family)).content.decode()
    assert new_note_url(family) not in page
    assert client.get(new_note_url(family)).status_code == 404
    assert client.get(correct_url(note)).status_code == 200


# --- Bad input --------------------------------------------------------------------------


def test_bad_input_keeps_what_was_typed_with_a_message_beside_each_field(family, alice, client_for):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    response = client_for(alice).post(
        new_note_url(family),
        form_data(
            **{"note-summary": "", "note-with_whom_detail": "Nan", "note-happened_on": tomorrow}
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say what was said or agreed." in page
    assert 'value="Nan"' in page
    assert CaseNote.objects.count() == 0
    response = client_for(alice).post(
        new_note_url(family), form_data(**{"note-happened_on": tomorrow})
    )
    assert response.status_code == 400
    assert "This time is in the future" in response.content.decode()
    assert "Mum says the school run is going better." in response.content.decode()


def test_someone_else_must_be_named(family, alice, client_for):
    response = client_for(alice).post(
        new_note_url(family),
        form_data(**{"note-with_whom": "other", "note-with_whom_detail": ""}),
    )
    assert response.status_code == 400
    assert "Say who the contact was with." in response.content.decode()


def test_a_choice_not_offered_is_refused(family, alice, client_for):
    response = client_for(alice).post(new_note_url(family), form_data(**{"note-kind": "fax"}))
    assert response.status_code == 400
    assert CaseNote.objects.count() == 0


# --- Corrections ------------------------------------------------------------------------


def test_a_correction_keeps_the_history_and_is_audited(family, alice, client_for):
    note = write(family, alice, summary="Spoke to Mum.")
    client = client_for(alice)
    data = form_data(**{"note-summary": "Spoke to Dad.", "note-reason": "Wrong parent"})
    response = client.post(correct_url(note), data)
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.summary == "Spoke to Dad."
    page = client.get(correct_url(note)).content.decode()
    assert "Spoke to Mum." in page and "Spoke to Dad." in page
    assert "corrected by Alice Archer: Wrong parent" in page
    event = AuditEvent.objects.get(action="case_note.corrected")
    assert event.actor == alice
    assert "summary" in event.details["fields"]
    changes = client.get(reverse("families:history", args=[family.pk])).content.decode()
    assert "Spoke to Mum." in changes


def test_a_refused_correction_keeps_what_was_typed(family, alice, client_for):
    note = write(family, alice)
    response = client_for(alice).post(
        correct_url(note), form_data(**{"note-summary": " ", "note-with_whom_detail": "Gran"})
    )
    assert response.status_code == 400
    assert 'value="Gran"' in response.content.decode()
    note.refresh_from_db()
    assert note.summary == "Agreed the next review date."


# --- The rest of the record ---------------------------------------------------------------


def test_the_history_tab_shows_a_note_as_an_entry(family, alice, client_for):
    write(family, alice, with_whom="health_visitor")
    page = client_for(alice).get(reverse("families:history", args=[family.pk])).content.decode()
    assert "Note: Phone call with a health visitor" in page


def test_the_subject_access_export_holds_every_note_sensitive_too(family, alice):
    write(family, alice, summary="Open note.")
    write(family, alice, summary="Sensitive note.", sensitive=True)
    data = json.loads(json.dumps(sar.collect(family), default=sar._plain))
    assert {n["summary"] for n in data["case_notes"]} == {"Open note.", "Sensitive note."}
    assert data["case_notes"][0]["written_by_name"] == "Alice Archer"


def test_the_closure_report_lists_the_unsensitive_notes_by_date_and_kind(family, alice):
    write(family, alice, kind="meeting", with_whom="school", summary="Met the head.")
    write(family, alice, kind="text", summary="Secret.", sensitive=True)
    context = case_closure_context(family)
    assert [n.kind for n in context["case_notes"]] == ["meeting"]
    html = render_to_string("outcomes/pdf/case_closure.html", context)
    assert "1 contact noted." in html and "Meeting" in html
    assert "Secret." not in html and "Met the head." not in html


def test_retention_removes_the_notes_words_and_their_history(family, alice):
    note = write(family, alice, with_whom="family", with_whom_detail="Mum", summary="Mum's news")
    services.correct_case_note(note, by=alice, summary="Mum's news, corrected")
    closed(family, alice, years_ago(6, days=1))
    retention.apply_retention()
    note.refresh_from_db()
    assert (note.summary, note.with_whom_detail) == (retention.REMOVED, "")
    assert note.kind == "phone"  # the counts stay
    assert not CaseNote.history.filter(family_id=family.pk).exists()


def test_another_projects_family_is_not_listed_to_sam(family, alice, sam, southend, charlie):
    other = factories.AcceptedFamilyFactory(project=southend, accepted_by=charlie)
    write(other, charlie)
    write(family, alice)
    assert list(case_notes_visible_to(sam).values_list("family", flat=True)) == [family.pk]
    assert list(case_notes_visible_to(charlie).values_list("family", flat=True)) == [other.pk]
