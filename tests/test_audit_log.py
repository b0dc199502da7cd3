"""Searching and exporting the audit log; exports need the password again."""

import csv
import io
import time
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from vicp import audit
from vicp.models import AuditEvent

from .factories import PASSWORD, SocialWorkerFactory

pytestmark = pytest.mark.django_db
LOG = reverse("vicp:audit_log")
EXPORT = reverse("vicp:audit_log_export")
CONFIRM = reverse("vicp:confirm_password")


@pytest.fixture
def events(alice, charlie, cambridgeshire, southend):
    return {
        "cam": audit.record(
            "family.viewed", actor=alice, obj=cambridgeshire, project=cambridgeshire
        ),
        "sth": audit.record("family.viewed", actor=charlie, obj=southend, project=southend),
    }


def confirm_password(client):
    return client.post(CONFIRM, {"password": PASSWORD, "next": EXPORT})


def test_anonymous_visitors_are_asked_to_sign_in(client):
    assert client.get(LOG)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["sam", "vera"])
def test_social_workers_and_volunteers_get_404(client_for, cast, who):
    assert client_for(cast[who]).get(LOG).status_code == 404
    assert client_for(cast[who]).get(EXPORT).status_code == 404


def test_a_project_manager_sees_only_their_projects_events(client_for, alice, events):
    page = client_for(alice).get(LOG)
    assert list(page.context["page"]) == [events["cam"]]


def test_an_admin_sees_every_event(client_for, ada, events):
    page = client_for(ada).get(LOG)
    assert {events["cam"], events["sth"]} <= set(page.context["page"])


def test_search_by_person_action_record_and_dates(client_for, ada, alice, events, cambridgeshire):
    client = client_for(ada)
    by_actor = client.get(LOG, {"actor": "alice@"}).context["page"]
    assert list(by_actor) == [events["cam"]]
    by_record = client.get(LOG, {"object_type": "vicp.project", "object_id": cambridgeshire.pk})
    assert list(by_record.context["page"]) == [events["cam"]]
    today = timezone.localdate().isoformat()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert len(client.get(LOG, {"action": "family.", "start": today}).context["page"]) == 2
    assert len(client.get(LOG, {"action": "family.", "start": tomorrow}).context["page"]) == 0


def test_a_reversed_date_range_is_explained(client_for, ada):
    response = client_for(ada).get(LOG, {"start": "2026-11-02", "end": "2026-11-01"})
    assert "before the start date" in str(response.context["form"].errors["end"])


def test_the_page_issues_the_same_queries_for_2_or_60_events(
    client_for, alice, cambridgeshire, django_assert_max_num_queries
):
    client = client_for(alice)
    client.get(LOG)  # warm the session and permission caches
    for count in (2, 60):
        for _ in range(count):
            audit.record("x", actor=alice, project=cambridgeshire)
        with django_assert_max_num_queries(12) as captured:
            client.get(LOG)
        if count == 2:
            baseline = len(captured)
        else:
            assert len(captured) == baseline


def test_export_asks_for_the_password_first(client_for, alice, events):
    client = client_for(alice)
    response = client.get(EXPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(CONFIRM)
    wrong = client.post(CONFIRM, {"password": "not-my-password", "next": EXPORT})
    assert "not your password" in str(wrong.context["form"].errors["password"])
    confirmed = confirm_password(client)
    assert confirmed["Location"] == EXPORT
    export = client.get(EXPORT)
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][:3] == ["when (UTC)", "who", "action"]
    assert [row[1] for row in rows[1:]] == ["alice@example.org"]
    assert AuditEvent.objects.filter(action="audit.exported", actor=alice).exists()


def test_the_confirmation_lasts_ten_minutes(client_for, alice):
    client = client_for(alice)
    confirm_password(client)
    with time_machine.travel(time.time() + 9 * 60):
        assert client.get(EXPORT).status_code == 200
    with time_machine.travel(time.time() + 11 * 60):
        assert client.get(EXPORT).status_code == 302


def test_the_export_never_starts_a_cell_with_a_formula(client_for, alice, cambridgeshire):
    odd = SocialWorkerFactory(email="=1+2@example.org")
    audit.record("family.viewed", actor=odd, obj=cambridgeshire, project=cambridgeshire)
    client = client_for(alice)
    confirm_password(client)
    export = client.get(EXPORT)
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert "'=1+2@example.org" in [row[1] for row in rows[1:]]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
