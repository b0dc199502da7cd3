"""All referrals: filtered by project and the dates received (with the status and the
search, together), sorted by number, date received, days waiting and status; exported
as CSV and XLSX, naming no child, for managers only, after the password again."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from referrals import services
from referrals.models import Referral
from tests import factories
from tests.exports import both, confirm_password, csv_rows, xlsx_rows
from tests.factories import make_referral
from vicp.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

LIST = reverse("referrals:list")
LONDON_NOON = datetime.time(11, 0, tzinfo=datetime.UTC)  # noon in London in June
HEADER = [
    "referral",
    "case reference",
    "family name",
    "postcode district",
    "project",
    "referrer",
    "local authority",
    "received on",
    "status",
    "decided on",
    "days waiting",
]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(
        datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


def shown(client, **query):
    response = client.get(LIST, query)
    assert response.status_code == 200
    return [referral.family_name for referral in response.context["page"].object_list]


def received(referral, day, time=LONDON_NOON):
    Referral.objects.filter(pk=referral.pk).update(
        submitted_at=datetime.datetime.combine(day, time)
    )
    return referral


def referral(project, by, name, day, **fields):
    return received(make_referral(project, by, submit=True, family_name=name, **fields), day)


@pytest.fixture
def norfolk(alice):
    project = factories.ProjectFactory(name="Norfolk", code="NOR")
    alice.managed_projects.add(project)
    return project


# --- Filters -------------------------------------------------------------------------


def test_filtered_by_project_among_the_managers_own(
    alice, sam, cambridgeshire, norfolk, southend, client_for
):
    referral(cambridgeshire, sam, "Cam", datetime.date(2026, 6, 1))
    referral(norfolk, alice, "Nor", datetime.date(2026, 6, 2))
    referral(southend, factories.referrer_for(southend), "Sth", datetime.date(2026, 6, 3))
    client = client_for(alice)
    assert shown(client, project=norfolk.pk) == ["Nor"]
    assert shown(client, project=cambridgeshire.pk) == ["Cam"]
    assert sorted(shown(client)) == ["Cam", "Nor"]
    # Another project is no choice: refused beside the field, and nothing of it shown.
    response = client.get(LIST, {"project": southend.pk})
    assert "project" in response.context["filter"].form.errors
    assert sorted(r.family_name for r in response.context["page"].object_list) == ["Cam", "Nor"]
    options = response.context["filter"].form.fields["project"].queryset
    assert sorted(p.code for p in options) == ["CAM", "NOR"]


def test_filtered_by_the_day_received_in_london(alice, sam, cambridgeshire, client_for):
    referral(cambridgeshire, sam, "May", datetime.date(2026, 5, 31))
    # 23:30 UTC on 31 May is 00:30 on 1 June in London.
    late = make_referral(cambridgeshire, sam, submit=True, family_name="Late")
    received(late, datetime.date(2026, 5, 31), datetime.time(23, 30, tzinfo=datetime.UTC))
    referral(cambridgeshire, sam, "June", datetime.date(2026, 6, 10))
    make_referral(cambridgeshire, alice, family_name="Draft")  # never received
    client = client_for(alice)
    assert shown(client, received_from="2026-06-01") == ["June", "Late"]
    assert shown(client, received_to="2026-05-31") == ["May"]
    assert shown(client, received_from="2026-06-01", received_to="2026-06-01") == ["Late"]
    assert shown(client, received_from="2026-06-11") == []
    assert len(shown(client)) == 4


def test_a_range_that_ends_before_it_starts_is_explained(alice, sam, cambridgeshire, client_for):
    referral(cambridgeshire, sam, "June", datetime.date(2026, 6, 10))
    response = client_for(alice).get(
        LIST, {"received_from": "2026-06-12", "received_to": "2026-06-01"}
    )
    assert response.status_code == 200
    assert response.context["filter"].form.errors == {
        "received_to": ["The end date is before the start date."]
    }
    html = response.content.decode()
    assert "The end date is before the start date." in html and 'value="2026-06-12"' in html


def test_the_filters_combine(alice, sam, cambridgeshire, norfolk, client_for):
    declined = referral(cambridgeshire, sam, "Nowak", datetime.date(2026, 6, 2))
    services.decline_referral(declined, by=alice, reason="Out of area")
    referral(cambridgeshire, sam, "Nowak", datetime.date(2026, 6, 3))  # still waiting
    old = referral(cambridgeshire, sam, "Nowak", datetime.date(2026, 4, 1))
    services.decline_referral(old, by=alice, reason="Out of area")
    other = referral(norfolk, alice, "Nowak", datetime.date(2026, 6, 2))
    services.decline_referral(other, by=alice, reason="Out of area")
    smith = referral(cambridgeshire, sam, "Smith", datetime.date(2026, 6, 2))
    services.decline_referral(smith, by=alice, reason="Out of area")
    client = client_for(alice)
    query = {
        "q": "nowak",
        "status": "declined",
        "project": cambridgeshire.pk,
        "received_from": "2026-06-01",
        "received_to": "2026-06-30",
    }
    [only] = client.get(LIST, query).context["page"].object_list
    assert only.pk == declined.pk
    assert len(shown(client, **{**query, "q": ""})) == 2  # Smith too
    assert len(shown(client, **{**query, "status": ""})) == 2  # the one still waiting
    assert len(shown(client, **{**query, "project": ""})) == 2  # Norfolk's
    assert len(shown(client, **{**query, "received_from": ""})) == 2  # April's


def test_the_filters_stay_in_the_links_of_the_page(alice, sam, cambridgeshire, client_for):
    for n in range(27):
        referral(cambridgeshire, sam, f"Doe{n}", datetime.date(2026, 6, 1))
    html = client_for(alice).get(LIST, {"status": "submitted", "sort": "-waiting"}).content
    html = html.decode()
    assert 'href="?status=submitted&amp;sort=-waiting&amp;page=2"' in html
    export = reverse("referrals:export", args=["csv"])
    assert f'href="{export}?status=submitted&amp;sort=-waiting"' in html
    assert 'aria-sort="descending"><a href="?status=submitted&amp;sort=waiting"' in html


@pytest.mark.parametrize(
    "query",
    [
        {"received_from": "31/31/2026"},
        {"received_to": "\x00"},
        {"project": "9" * 30},
        {"project": "abc"},
        {"sort": "family_name"},
        {"sort": "-"},
        {"sort": "number,waiting"},
    ],
)
def test_a_bad_filter_filters_nothing_out(alice, sam, cambridgeshire, client_for, query):
    referral(cambridgeshire, sam, "Doe", datetime.date(2026, 6, 1))
    assert shown(client_for(alice), **query) == ["Doe"]


# --- Sorting -------------------------------------------------------------------------


@pytest.fixture
def four(alice, sam, cambridgeshire):
    """Made in this order; received on other days; two waiting, two decided."""
    a = referral(cambridgeshire, sam, "Accepted", datetime.date(2026, 6, 1))
    services.accept_referral(a, by=alice)
    b = referral(cambridgeshire, sam, "Waiting long", datetime.date(2026, 5, 1))
    c = referral(cambridgeshire, sam, "Waitlisted", datetime.date(2026, 6, 10))
    services.waitlist_referral(c, by=alice, reason="Full")
    d = referral(cambridgeshire, sam, "Declined", datetime.date(2026, 4, 1))
    services.decline_referral(d, by=alice, reason="Out of area")
    return a, b, c, d


@pytest.mark.parametrize(
    "sort, order",
    [
        ("", ["Declined", "Waitlisted", "Waiting long", "Accepted"]),  # newest made first
        ("number", ["Accepted", "Waiting long", "Waitlisted", "Declined"]),
        ("-number", ["Declined", "Waitlisted", "Waiting long", "Accepted"]),
        ("received", ["Declined", "Waiting long", "Accepted", "Waitlisted"]),
        ("-received", ["Waitlisted", "Accepted", "Waiting long", "Declined"]),
        # Only the undecided wait; the decided come last, whichever way.
        ("-waiting", ["Waiting long", "Waitlisted", "Declined", "Accepted"]),
        ("waiting", ["Waitlisted", "Waiting long", "Accepted", "Declined"]),
        # The statuses in their own order: submitted, accepted, declined, waiting list.
        ("status", ["Waiting long", "Accepted", "Declined", "Waitlisted"]),
        ("-status", ["Waitlisted", "Declined", "Accepted", "Waiting long"]),
    ],
)
def test_every_sortable_column_sorts(four, alice, client_for, sort, order):
    assert shown(client_for(alice), sort=sort) == order


def test_the_days_waiting_are_shown_for_the_undecided_only(four, alice, client_for):
    response = client_for(alice).get(LIST, {"sort": "-waiting"})
    rows = response.context["page"].object_list
    assert [r.days_waiting for r in rows] == [45, 5, None, None]
    assert "45 days" in response.content.decode()


def test_the_queue_counts_the_days_waiting_as_the_list(four, alice, client_for):
    page = client_for(alice).get(reverse("referrals:queue")).context["page"]
    assert sorted(r.days_waiting for r in page) == [5, 45]


# --- Exports -------------------------------------------------------------------------


def export_client(client_for, user):
    client = client_for(user)
    confirm_password(client)
    return client


def test_the_export_needs_the_password_again(four, alice, client_for):
    client = client_for(alice)
    url = reverse("referrals:export", args=["xlsx"])
    response = client.get(url, {"status": "declined"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("vicp:confirm_password"))
    confirm_password(client, f"{url}?status=declined")
    assert xlsx_rows(client.get(url, {"status": "declined"}))[1][2] == "Declined"


def test_the_export_names_no_child(four, alice, client_for):
    accepted, waiting, waitlisted, declined = four
    case_reference = Referral.objects.get(pk=accepted.pk).family.case_reference
    rows = csv_rows(
        export_client(client_for, alice).get(
            reverse("referrals:export", args=["csv"]), {"sort": "number"}
        )
    )
    referrer = [accepted.referrer_name, accepted.referrer_local_authority]
    assert referrer[0] and all(r.referrer_name == referrer[0] for r in four)
    by = ["CB4", "CAM", *referrer]
    assert rows == [
        HEADER,
        [
            str(accepted.pk),
            case_reference,
            "Accepted",
            *by,
            "2026-06-01",
            "Accepted",
            "2026-06-15",
            "",
        ],
        [str(waiting.pk), "", "Waiting long", *by, "2026-05-01", "Submitted", "", "45"],
        [str(waitlisted.pk), "", "Waitlisted", *by, "2026-06-10", "Waiting list", "", "5"],
        [str(declined.pk), "", "Declined", *by, "2026-04-01", "Declined", "2026-06-15", ""],
    ]
    text = str(rows)
    for child in factories.doe_children():
        assert child["first_name"] not in text
    assert accepted.postcode not in text and "Test Road" not in text
    assert accepted.referrer_email and accepted.referrer_email not in text


def test_the_export_is_what_the_filters_show_on_every_page(alice, sam, cambridgeshire, client_for):
    for n in range(30):
        referral(
            cambridgeshire, sam, f"Doe{n:02}", datetime.date(2026, 6, 1) - datetime.timedelta(n)
        )
    referral(cambridgeshire, sam, "Later", datetime.date(2026, 6, 5))
    client = export_client(client_for, alice)
    query = {"received_to": "2026-06-01", "sort": "-waiting"}
    assert client.get(LIST, query).context["page"].paginator.count == 30
    csv_part, xlsx_part = both(client, "referrals:export", query)
    assert [row[2] for row in csv_part[1:]] == [f"Doe{n:02}" for n in range(29, -1, -1)]
    assert xlsx_part == csv_part


def test_the_xlsx_holds_real_dates_and_numbers(four, alice, client_for):
    client = export_client(client_for, alice)
    rows = xlsx_rows(client.get(reverse("referrals:export", args=["xlsx"]), {"sort": "-waiting"}))
    assert rows[0] == HEADER
    assert rows[1][7] == datetime.datetime(2026, 5, 1)  # noqa: DTZ001
    assert rows[1][10] == 45 and rows[1][0] == four[1].pk
    csv_part, xlsx_part = both(client, "referrals:export")
    assert xlsx_part == csv_part


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_is_audited_with_its_filters(four, alice, client_for, fmt):
    client = export_client(client_for, alice)
    client.get(reverse("referrals:export", args=[fmt]), {"status": "submitted", "page": "2"})
    event = AuditEvent.objects.get(action="referrals.exported")
    assert event.actor == alice
    assert event.details == {"format": fmt, "count": 1, "filters": {"status": "submitted"}}


def test_each_manager_exports_their_projects_only(four, alice, charlie, ada, southend, client_for):
    referral(southend, factories.referrer_for(southend), "Southend", datetime.date(2026, 6, 1))
    names = {}
    for who in (alice, charlie, ada):
        csv_part, xlsx_part = both(export_client(client_for, who), "referrals:export")
        assert xlsx_part == csv_part
        names[who.first_name] = sorted(row[2] for row in csv_part[1:])
    assert names["Alice"] == ["Accepted", "Declined", "Waiting long", "Waitlisted"]
    assert names["Charlie"] == ["Southend"]
    assert names["Ada"] == sorted([*names["Alice"], "Southend"])


def test_a_manager_cannot_export_another_projects_referrals_by_naming_it(
    four, charlie, cambridgeshire, client_for
):
    client = export_client(client_for, charlie)
    csv_part, xlsx_part = both(client, "referrals:export", {"project": cambridgeshire.pk})
    assert csv_part == xlsx_part == [HEADER]


def test_a_managers_own_draft_is_exported_but_not_another_persons(
    alice, sam, cambridgeshire, client_for
):
    make_referral(cambridgeshire, sam, family_name="Sams draft")
    make_referral(cambridgeshire, alice, family_name="Alices draft")
    rows = csv_rows(export_client(client_for, alice).get(reverse("referrals:export", args=["csv"])))
    assert [row[2] for row in rows[1:]] == ["Alices draft"]
    assert rows[1][7:] == ["", "Draft", "", ""]


@pytest.mark.parametrize("who", ["sam", "sally", "vera", "una"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_volunteers_and_social_workers_get_404(cast, four, client_for, who, fmt):
    client = export_client(client_for, cast[who])
    assert client.get(reverse("referrals:export", args=[fmt])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("referrals:export", args=["xlsx"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "query", [{"received_from": "31/31/2026"}, {"sort": "x"}, {"project": "\x00"}, {"q": "\x00"}]
)
def test_a_bad_filter_exports_without_it(four, alice, client_for, query):
    csv_part, xlsx_part = both(export_client(client_for, alice), "referrals:export", query)
    assert len(csv_part) == 5 and xlsx_part == csv_part
