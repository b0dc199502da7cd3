"""The audit trail is append-only, in code and (on PostgreSQL) in the database."""

import pytest
from django.db import connection, transaction
from django.db.utils import InternalError
from django.urls import reverse

from vicp import audit
from vicp.models import AuditEvent

from .conftest import sign_in

pytestmark = pytest.mark.django_db


def test_record_keeps_who_what_which_and_where(rf, alice, cambridgeshire):
    request = rf.get("/", REMOTE_ADDR="203.0.113.9")
    event = audit.record(
        "project.viewed", actor=alice, obj=cambridgeshire, request=request, extra=1
    )
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        alice,
        "project.viewed",
        "vicp.project",
        str(cambridgeshire.pk),
    )
    assert event.ip_address == "203.0.113.9"
    assert event.details == {"extra": 1}


def test_an_event_cannot_be_changed_or_deleted_through_the_orm(alice):
    event = audit.record("something", actor=alice)
    event.action = "something else"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(action="x")
    assert AuditEvent.objects.get().action == "something"


def test_the_admin_offers_no_way_to_change_events(client, ada, alice):
    event = audit.record("something", actor=alice)
    sign_in(client, ada)
    assert client.get(reverse("admin:vicp_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:vicp_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:vicp_auditevent_delete", args=[event.pk])).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_database_refuses_updates_and_deletes(postgres, alice):
    event = audit.record("something", actor=alice)
    for sql in ("UPDATE vicp_auditevent SET action = 'x'", "DELETE FROM vicp_auditevent"):
        with (
            pytest.raises(InternalError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).action == "something"


def test_viewing_records_is_audited(client_for, alice, sam, family, ready_volunteer):
    client_for(alice).get(reverse("families:detail", args=[family.pk]))
    client_for(sam).get(reverse("referrals:detail", args=[family.referral_id]))
    client_for(alice).get(reverse("volunteers:detail", args=[ready_volunteer.pk]))
    viewed = set(
        AuditEvent.objects.filter(action__endswith=".viewed").values_list("action", "actor__email")
    )
    assert viewed == {
        ("family.viewed", "alice@example.org"),
        ("referral.viewed", "sam@example.org"),
        ("volunteer.viewed", "alice@example.org"),
    }
