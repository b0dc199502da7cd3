"""The concerns register: every concern of a manager's projects, filtered, exported."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from families import services
from tests import factories
from tests.exports import confirmed, xlsx_rows
from tests.exports import csv_rows as exported_rows
from tests.factories import PASSWORD
from vicp.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

REGISTER = reverse("families:concerns")
CSV = reverse("families:concerns_export", args=["csv"])
CONFIRM = reverse("vicp:confirm_password")
DETAILS = "Amy said she was hit with a belt."


def ago(**delta):
    return timezone.now() - datetime.timedelta(**delta)


@pytest.fixture
def southend_family(southend, sally, charlie):
    return factories.AcceptedFamilyFactory(
        project=southend, social_worker=sally, accepted_by=charlie
    )


@pytest.fixture
def concerns(family, southend_family, alice):
    """One of each state in Cambridgeshire (the Doe family) and one in Southend."""
    make = factories.ConcernFactory
    return {
        "waiting": make(family=family, category="physical", raised_at=ago(minutes=10)),
        "overdue": make(
            family=family, category="neglect", raised_at=ago(hours=3), immediate_danger=True
        ),
        "acknowledged": make(
            family=family,
            category="neglect",
            raised_at=ago(days=2),
            acknowledged_at=ago(days=2) + datetime.timedelta(minutes=5),
        ),
        "closed": make(
            family=family,
            category="emotional",
            raised_at=ago(days=10),
            acknowledged_at=ago(days=10) + datetime.timedelta(minutes=5),
            closed_at=ago(days=3),
            outcome="mash",
        ),
        "southend": make(family=southend_family, category="neglect", raised_at=ago(hours=2)),
    }


def listed(client, **filters):
    response = client.get(REGISTER, filters)
    assert response.status_code == 200
    return [concern.pk for concern in response.context["page"].object_list]


def pks(concerns, *names):
    return [concerns[name].pk for name in names]


def csv_rows(client, **filters):
    header, *rows = exported_rows(client.get(CSV, filters))
    return [dict(zip(header, row, strict=True)) for row in rows]


# --- Who may reach it -------------------------------------------------------------------


def test_the_projects_manager_sees_its_concerns_newest_first(client_for, alice, concerns):
    assert listed(client_for(alice)) == pks(
        concerns, "waiting", "overdue", "acknowledged", "closed"
    )


def test_an_administrator_sees_every_projects_concerns(client_for, ada, concerns):
    assert listed(client_for(ada)) == pks(
        concerns, "waiting", "southend", "overdue", "acknowledged", "closed"
    )


def test_a_manager_of_another_project_sees_none_of_its_concerns(client_for, charlie, concerns):
    client = confirmed(client_for(charlie))
    assert listed(client) == pks(concerns, "southend")
    assert [row["case reference"] for row in csv_rows(client)] == [
        concerns["southend"].family.case_reference
    ]


def test_another_projects_concerns_cannot_be_chosen_as_a_filter(client_for, charlie, concerns):
    cambridgeshire = concerns["waiting"].family.project
    response = client_for(charlie).get(REGISTER, {"project": cambridgeshire.pk})
    assert [c.pk for c in response.context["page"].object_list] == pks(concerns, "southend")
    assert list(response.context["filter"].form.fields["project"].queryset) == [
        concerns["southend"].family.project
    ]
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("who", ["sam", "vera", "matched volunteer"])
def test_social_workers_and_volunteers_get_404(client_for, cast, match, who):
    raiser = match.volunteer.user
    factories.ConcernFactory(family=match.family, raised_by=raiser)
    user = raiser if who == "matched volunteer" else cast[who]
    client = confirmed(client_for(user))
    assert client.get(REGISTER).status_code == 404
    assert client.get(CSV).status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="concerns.").exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in (REGISTER, CSV):
        assert client.get(url)["Location"].startswith(reverse("login"))


# --- Filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("open", ["waiting", "overdue", "acknowledged"]),
        ("waiting", ["waiting", "overdue"]),
        ("acknowledged", ["acknowledged"]),
        ("closed", ["closed"]),
    ],
)
def test_filtering_by_status(client_for, alice, concerns, status, expected):
    assert listed(client_for(alice), status=status) == pks(concerns, *expected)


def test_filtering_by_category(client_for, alice, concerns):
    client = client_for(alice)
    assert listed(client, category="neglect") == pks(concerns, "overdue", "acknowledged")
    assert listed(client, category="sexual") == []


def test_filtering_by_project(client_for, ada, concerns):
    southend = concerns["southend"].family.project
    assert listed(client_for(ada), project=southend.pk) == pks(concerns, "southend")


def test_filtering_the_overdue(client_for, alice, concerns):
    assert listed(client_for(alice), overdue="yes") == pks(concerns, "overdue")


def test_overdue_at_the_edge_of_the_acknowledgement_window(client_for, alice, family, settings):
    settings.VICP_CONCERN_ACK_MINUTES = 60
    within = factories.ConcernFactory(family=family, raised_at=ago(minutes=59))
    late = factories.ConcernFactory(family=family, raised_at=ago(minutes=61))
    factories.ConcernFactory(  # as late, but acknowledged
        family=family, raised_at=ago(minutes=61), acknowledged_at=ago(minutes=1)
    )
    factories.ConcernFactory(  # as late, but closed
        family=family, raised_at=ago(minutes=61), closed_at=ago(minutes=1)
    )
    client = client_for(alice)
    assert listed(client, overdue="yes") == [late.pk]

    page = client.get(REGISTER)
    rows = {c.pk: c.overdue for c in page.context["page"].object_list}
    assert rows[late.pk] and not rows[within.pk]
    assert page.content.decode().count("Not acknowledged in time</span>") == 1

    settings.VICP_CONCERN_ACK_MINUTES = 58
    assert listed(client, overdue="yes") == [within.pk, late.pk]


def test_filtering_by_the_day_raised_in_local_time(client_for, alice, family):
    day = timezone.localdate() - datetime.timedelta(days=2)
    late_evening = timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))
    that_day = factories.ConcernFactory(family=family, raised_at=late_evening)
    before = factories.ConcernFactory(
        family=family, raised_at=late_evening - datetime.timedelta(days=1)
    )
    after = factories.ConcernFactory(
        family=family, raised_at=late_evening + datetime.timedelta(minutes=2)
    )
    client = client_for(alice)
    next_day = day + datetime.timedelta(days=1)
    assert listed(client, raised_from=day, raised_to=day) == [that_day.pk]
    assert listed(client, raised_from=next_day) == [after.pk]
    assert listed(client, raised_to=day) == [that_day.pk, before.pk]


def test_an_end_date_before_the_start_date_is_put_right(client_for, alice, concerns):
    response = client_for(alice).get(
        REGISTER, {"raised_from": timezone.localdate(), "raised_to": "2020-01-01"}
    )
    assert "The end date is before the start date." in response.content.decode()


def test_filters_combine(client_for, alice, ada, concerns):
    client = client_for(alice)
    since = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    assert listed(client, category="neglect", status="waiting") == pks(concerns, "overdue")
    assert listed(client, category="neglect", raised_from=since, status="open") == pks(
        concerns, "overdue", "acknowledged"
    )
    assert listed(client, category="neglect", overdue="yes", status="closed") == []
    southend = concerns["southend"].family.project
    assert listed(client_for(ada), project=southend.pk, status="waiting", overdue="yes") == pks(
        concerns, "southend"
    )


def test_the_pages_keep_the_filters(client_for, alice, family):
    for hours in range(30):
        factories.ConcernFactory(family=family, raised_at=ago(hours=hours + 1))
    page = client_for(alice).get(REGISTER, {"status": "waiting"})
    assert page.context["page"].paginator.count == 30
    assert "?status=waiting&amp;page=2" in page.content.decode()
    assert len(listed(client_for(alice), status="waiting", page=2)) == 5


def test_the_columns(client_for, alice, concerns):
    page = client_for(alice).get(REGISTER).content.decode()
    closed = concerns["closed"]
    assert (
        f'href="{reverse("families:concern", args=[closed.pk])}">{closed.family.case_reference}'
        in page
    )
    assert "Emotional abuse" in page
    assert "Referred to children&#x27;s social care (front door / MASH)" in page
    assert "Waiting to be acknowledged" in page and "Acknowledged" in page
    assert escape(alice.get_full_name()) in page
    assert DETAILS not in page and closed.details not in page


# --- CSV export -----------------------------------------------------------------------------


def test_the_csv_asks_for_the_password_again_and_keeps_the_filters(client_for, alice, concerns):
    client = client_for(alice)
    response = client.get(CSV, {"status": "closed"})
    assert response.status_code == 302
    assert response["Location"].startswith(CONFIRM)
    assert not AuditEvent.objects.filter(action="concerns.exported").exists()
    next_url = f"{CSV}?status=closed"
    response = client.post(CONFIRM, {"password": PASSWORD, "next": next_url})
    # The page says the download has started (it fetches it at once) and leads back.
    page = response.content.decode()
    assert response.status_code == 200
    assert f'http-equiv="refresh" content="0;url={CSV}?status=closed"' in page
    assert f'href="{REGISTER}?status=closed"' in page
    rows = csv_rows(client, status="closed")
    assert [row["case reference"] for row in rows] == [concerns["closed"].family.case_reference]


def test_the_register_links_to_the_csv_of_what_it_shows(client_for, alice, concerns):
    page = client_for(alice).get(REGISTER, {"category": "neglect", "status": "open"})
    assert f'href="{CSV}?category=neglect&amp;status=open"' in page.content.decode()


def test_the_csv_holds_exactly_the_filtered_rows_and_no_narrative(client_for, alice, concerns):
    for concern in concerns.values():
        concern.details = DETAILS
        concern.save()
    client = confirmed(client_for(alice))
    rows = exported_rows(client.get(CSV, {"category": "neglect"}))
    assert DETAILS not in str(rows)
    assert rows[0] == [
        "case reference",
        "project code",
        "about",
        "category",
        "raised at",
        "raised by",
        "immediate danger",
        "acknowledged at",
        "escalated at",
        "status",
        "outcome",
        "closed at",
    ]
    overdue, acknowledged = concerns["overdue"], concerns["acknowledged"]
    case = overdue.family.case_reference
    assert rows[1:] == [
        [
            case,
            "CAM",
            "Child's safety or welfare",
            "Neglect",
            timezone.localtime(overdue.raised_at).isoformat(timespec="seconds"),
            alice.get_full_name(),
            "yes",
            "",
            "",
            "Waiting to be acknowledged",
            "",
            "",
        ],
        [
            case,
            "CAM",
            "Child's safety or welfare",
            "Neglect",
            timezone.localtime(acknowledged.raised_at).isoformat(timespec="seconds"),
            alice.get_full_name(),
            "no",
            timezone.localtime(acknowledged.acknowledged_at).isoformat(timespec="seconds"),
            "",
            "Acknowledged",
            "",
            "",
        ],
    ]
    assert datetime.datetime.fromisoformat(rows[1][4]) == overdue.raised_at.replace(microsecond=0)


def test_the_csv_of_a_closed_concern_has_its_outcome(client_for, alice, concerns):
    (row,) = csv_rows(confirmed(client_for(alice)), status="closed")
    closed = concerns["closed"]
    assert row["status"] == "Closed"
    assert row["outcome"] == "Referred to children's social care (front door / MASH)"
    assert row["closed at"] == timezone.localtime(closed.closed_at).isoformat(timespec="seconds")


def test_the_csv_follows_every_filter(client_for, ada, concerns):
    client = confirmed(client_for(ada))
    southend = concerns["southend"].family.project
    filters = [
        {},
        {"status": "waiting"},
        {"category": "neglect"},
        {"overdue": "yes"},
        {"project": southend.pk},
        {"raised_from": (timezone.localdate() - datetime.timedelta(days=5)).isoformat()},
        {"category": "neglect", "status": "open", "overdue": "yes"},
    ]
    for query in filters:
        shown = listed(client, **query)
        exported = [row["raised at"] for row in csv_rows(client, **query)]
        by_pk = {c.pk: c for c in concerns.values()}
        assert exported == [
            timezone.localtime(by_pk[pk].raised_at).isoformat(timespec="seconds") for pk in shown
        ], query


# --- Audit ----------------------------------------------------------------------------------


def test_viewing_the_register_is_audited_with_its_filters(client_for, alice, concerns):
    client_for(alice).get(REGISTER, {"status": "closed", "category": "", "page": "1", "x": "y"})
    event = AuditEvent.objects.get(action="concerns.listed")
    assert event.actor == alice
    assert event.details == {"filters": {"status": "closed"}}


def test_a_filter_that_is_not_valid_is_not_recorded_as_used(client_for, alice, concerns):
    client_for(alice).get(REGISTER, {"status": "lost", "raised_from": "\x00"})
    assert AuditEvent.objects.get(action="concerns.listed").details == {"filters": {}}


def test_exporting_is_audited_with_the_count_and_the_filters(client_for, alice, concerns):
    csv_rows(confirmed(client_for(alice)), category="neglect", overdue="yes")
    event = AuditEvent.objects.get(action="concerns.exported")
    assert event.actor == alice
    assert event.details == {
        "format": "csv",
        "count": 1,
        "filters": {"category": "neglect", "overdue": "yes"},
    }


# --- Reached by clicking ----------------------------------------------------------------------


def test_a_manager_with_no_open_concern_reaches_the_register_from_home(client_for, alice):
    page = client_for(alice).get(reverse("vicp:home")).content.decode()
    panel = page.split('id="open-concerns-heading"', 1)[1].split("</section>", 1)[0]
    assert "No open concerns." in panel
    assert f'href="{REGISTER}">Concerns register</a>' in panel


def test_a_manager_with_open_concerns_reaches_the_register_from_home(client_for, ada, concerns):
    page = client_for(ada).get(reverse("vicp:home")).content.decode()
    panel = page.split('id="open-concerns-heading"', 1)[1].split("</section>", 1)[0]
    assert "No open concerns." not in panel
    assert f'href="{REGISTER}">Concerns register</a>' in panel


def test_the_social_workers_panel_has_no_link_to_the_register(client_for, sam, concerns):
    page = client_for(sam).get(reverse("vicp:home")).content.decode()
    assert 'id="open-concerns-heading"' in page  # his family's open concerns
    assert f'href="{REGISTER}"' not in page and "Concerns register" not in page


def test_a_social_worker_with_no_open_concern_is_shown_no_panel(client_for, sam):
    page = client_for(sam).get(reverse("vicp:home")).content.decode()
    assert 'id="open-concerns-heading"' not in page
    assert f'href="{REGISTER}"' not in page


def test_the_managers_menu_links_to_the_register(client_for, alice):
    page = client_for(alice).get(reverse("vicp:home")).content.decode()
    assert f'class="nav-link" href="{REGISTER}">Concerns</a>' in page


def test_allegations_are_listed_for_the_projects_safeguarding_lead_only(
    client_for, alice, ada, match, cambridgeshire
):
    allegation = services.raise_concern(
        family=match.family,
        by=alice,
        kind="allegation",
        subject=match.volunteer.user,
        details="Shouted at Amy.",
    )
    page = client_for(alice).get(REGISTER).content.decode()
    assert reverse("families:concern", args=[allegation.pk]) not in page
    cambridgeshire.safeguarding_lead = alice
    cambridgeshire.save()
    for person in (alice, ada):
        page = client_for(person).get(REGISTER, {"kind": "allegation"}).content.decode()
        assert reverse("families:concern", args=[allegation.pk]) in page


def test_the_xlsx_holds_the_same_rows_as_the_csv(client_for, alice, concerns):
    client = confirmed(client_for(alice))
    csv_table = exported_rows(client.get(CSV, {"status": "open"}))
    xlsx_table = xlsx_rows(
        client.get(reverse("families:concerns_export", args=["xlsx"]), {"status": "open"})
    )
    assert len(xlsx_table) == len(csv_table) == 4
    assert [row[0] for row in xlsx_table] == [row[0] for row in csv_table]
    raised_at = xlsx_table[1][4]
    assert isinstance(raised_at, datetime.datetime)  # a moment the spreadsheet can sort
