"""The managers' list of visits: the logged visits of their projects' families, filtered,
sorted and downloaded, never a visit's notes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from families import services
from families.models import Visit
from tests import factories
from tests.exports import confirmed, csv_rows, xlsx_rows
from vicp.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
LIST = reverse("families:visit_list")
NOTES = "Mum talked about the eviction notice."


def export_url(fmt, query=""):
    return reverse("families:visit_export", args=[fmt]) + (f"?{query}" if query else "")


def day(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def log(match, days_ago, *, contact=True, miles=None, draft=False):
    return services.log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=day(days_ago),
        duration_minutes=60 if contact else 15,
        contact_made=contact,
        engagement=3 if contact else None,
        miles=miles,
        notes=NOTES,
        draft=draft,
    )


def other_match(project, manager, **volunteer):
    family = factories.AcceptedFamilyFactory(project=project, accepted_by=manager)
    helper = factories.ReadyVolunteerFactory(project=project, signed_off_by=manager, **volunteer)
    return factories.ActiveMatchFactory(
        family=family, volunteer=helper, started_by=manager, started_on=day(28)
    )


@pytest.fixture
def visits(match, alice, charlie, southend):
    """Val's visits to the Doe family (a contact 3 days ago with 12 miles, an attempt 10
    days ago, a draft), Bob Brown's to another Cambridgeshire family (a contact 5 days
    ago), and a visit in Southend."""
    bob = other_match(match.family.project, alice, first_name="Bob", last_name="Brown")
    southend_match = other_match(southend, charlie, first_name="Sue", last_name="Smith")
    return {
        "recent": log(match, 3, miles=12),
        "attempt": log(match, 10, contact=False),
        "draft": log(match, 1, draft=True),
        "bob": log(bob, 5),
        "southend": log(southend_match, 2),
        "bob_match": bob,
    }


def listed(client, query=""):
    response = client.get(LIST + (f"?{query}" if query else ""))
    assert response.status_code == 200
    return [visit.pk for visit in response.context["page"].object_list]


# --- Who sees what --------------------------------------------------------------------------


def test_a_manager_lists_their_projects_logged_visits_newest_first(client_for, alice, visits):
    client = client_for(alice)
    assert listed(client) == [visits["recent"].pk, visits["bob"].pk, visits["attempt"].pk]
    html = client.get(LIST).content.decode()
    assert reverse("families:visit_detail", args=[visits["recent"].pk]) in html
    assert visits["recent"].match.family.case_reference in html
    assert "Val Green" in html and "Seen, 60 min" in html and "No contact" in html
    assert NOTES not in html  # the notes are read on the visit's own page


def test_drafts_and_discarded_visits_are_not_listed(client_for, alice, visits):
    services.end_match(visits["bob_match"], by=alice, reason="planned")
    leftover = log(visits["recent"].match, 4, draft=True)
    Visit.objects.filter(pk=leftover.pk).update(status=Visit.Status.DISCARDED)
    shown = listed(client_for(alice))
    assert visits["draft"].pk not in shown and leftover.pk not in shown
    assert visits["bob"].pk in shown  # a visit of an ended match still happened


def test_the_visit_opens_from_the_list(client_for, alice, visits):
    client = client_for(alice)
    page = client.get(reverse("families:visit_detail", args=[visits["recent"].pk]))
    assert page.status_code == 200 and NOTES in page.content.decode()


def test_an_administrator_lists_every_project(client_for, ada, visits):
    assert visits["southend"].pk in listed(client_for(ada))


def test_the_manager_of_another_project_sees_none_listed_or_exported(client_for, charlie, visits):
    client = client_for(charlie)
    assert listed(client) == [visits["southend"].pk]
    confirmed(client)
    rows = csv_rows(client.get(export_url("csv")))
    assert [row[0] for row in rows[1:]] == [str(visits["southend"].pk)]
    assert [row[0] for row in xlsx_rows(client.get(export_url("xlsx")))[1:]] == [
        visits["southend"].pk
    ]
    # Filtering by one of Alice's volunteers or projects is refused, not obeyed.
    bob = visits["bob_match"].volunteer
    theirs = f"volunteer={bob.pk}&project={visits['bob_match'].family.project_id}"
    page = client.get(f"{LIST}?{theirs}")
    assert [visit.pk for visit in page.context["page"].object_list] == [visits["southend"].pk]
    assert "volunteer" in page.context["filter"].errors
    assert "project" in page.context["filter"].errors


@pytest.mark.parametrize("who", ["sam", "sally", "vera", "matched"])
def test_volunteers_and_social_workers_get_404_for_the_list_and_its_exports(
    client_for, cast, visits, who
):
    user = visits["recent"].match.volunteer.user if who == "matched" else cast[who]
    client = client_for(user)
    for url in (LIST, export_url("csv"), export_url("xlsx")):
        assert client.get(url).status_code == 404, url
    confirmed(client)
    for url in (export_url("csv"), export_url("xlsx")):
        assert client.get(url).status_code == 404, url
    assert not AuditEvent.objects.filter(action="visits.exported").exists()


# --- Filters and sorting ----------------------------------------------------------------------


def test_each_filter(client_for, alice, visits, cambridgeshire):
    client = client_for(alice)
    recent, attempt, bob = visits["recent"], visits["attempt"], visits["bob"]
    reference = recent.match.family.case_reference
    assert listed(client, f"family={reference[-4:]}") == [recent.pk, attempt.pk]
    assert listed(client, f"family={reference.lower()}") == [recent.pk, attempt.pk]
    assert listed(client, f"volunteer={bob.match.volunteer_id}") == [bob.pk]
    assert listed(client, "contact=yes") == [recent.pk, bob.pk]
    assert listed(client, "contact=no") == [attempt.pk]
    assert listed(client, f"visited_from={day(5):%Y-%m-%d}") == [recent.pk, bob.pk]
    assert listed(client, f"visited_to={day(5):%Y-%m-%d}") == [bob.pk, attempt.pk]
    assert listed(client, f"project={cambridgeshire.pk}") == [recent.pk, bob.pk, attempt.pk]


def test_the_filters_combine(client_for, alice, visits):
    client = client_for(alice)
    val = visits["recent"].match.volunteer_id
    assert listed(client, f"volunteer={val}&contact=yes") == [visits["recent"].pk]
    assert listed(client, f"volunteer={val}&contact=no") == [visits["attempt"].pk]
    assert listed(client, f"volunteer={val}&contact=yes&visited_to={day(4):%Y-%m-%d}") == []
    week = f"visited_from={day(7):%Y-%m-%d}&visited_to={day(2):%Y-%m-%d}"
    assert listed(client, f"{week}&contact=yes") == [visits["recent"].pk, visits["bob"].pk]


def test_sorting_by_date_family_and_volunteer(client_for, alice, visits):
    client = client_for(alice)
    recent, attempt, bob = visits["recent"].pk, visits["attempt"].pk, visits["bob"].pk
    assert listed(client, "sort=date") == [attempt, bob, recent]
    assert listed(client, "sort=-date") == [recent, bob, attempt]
    assert listed(client, "sort=volunteer") == [bob, recent, attempt]  # Brown, then Green
    assert listed(client, "sort=-volunteer") == [recent, attempt, bob]
    doe = visits["recent"].match.family.case_reference
    other = visits["bob"].match.family.case_reference
    by_family = [recent, attempt, bob] if doe < other else [bob, recent, attempt]
    assert listed(client, "sort=family") == by_family  # each family's newest first


def test_the_filters_stay_in_the_urls_of_the_headings_pages_and_downloads(
    client_for, alice, visits
):
    client = client_for(alice)
    html = client.get(LIST + "?contact=yes&sort=volunteer").content.decode()
    assert 'href="?contact=yes&amp;sort=-volunteer"' in html  # the heading reverses it
    assert 'aria-sort="ascending"' in html
    assert f'href="{export_url("xlsx", "contact=yes&amp;sort=volunteer")}"' in html
    assert '<input type="hidden" name="sort" value="volunteer">' in html  # kept by Filter
    for _ in range(25):
        log(visits["recent"].match, 8)
    html = client.get(LIST + "?contact=yes").content.decode()
    assert 'href="?contact=yes&amp;page=2"' in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("visited_from=31/31/2026", "visited_from", "Enter a valid date."),
        ("visited_from=2026-05-02&visited_to=2026-05-01", "visited_to", "The end date is before"),
        ("volunteer=abc", "volunteer", "Select a valid choice."),
        ("contact=maybe", "contact", "Select a valid choice."),
        ("sort=notes", "sort", "Select a valid choice."),
    ],
)
def test_a_bad_filter_is_explained_beside_its_field_and_kept(
    client_for, alice, visits, query, field, message
):
    response = client_for(alice).get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert any(message in error for error in response.context["filter"].errors[field])
    if field != "sort":
        html = response.content.decode()
        assert f'id="error_1_id_{field}"' in html
        assert query.split("&")[-1].split("=")[1] in html  # what was typed is kept
    assert len(response.context["page"].object_list) == 3  # nothing filtered out


# --- Downloads --------------------------------------------------------------------------------


def test_the_downloads_need_the_password_again(client_for, alice, visits):
    client = client_for(alice)
    for fmt in ("csv", "xlsx"):
        response = client.get(export_url(fmt, "contact=yes"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("vicp:confirm_password"))
    assert not AuditEvent.objects.filter(action="visits.exported").exists()


def test_the_downloads_hold_what_the_filters_show_and_no_notes(client_for, alice, visits):
    client = confirmed(client_for(alice))
    query = f"contact=yes&sort=date&visited_from={day(30):%Y-%m-%d}"
    shown = listed(client, query)
    rows = csv_rows(client.get(export_url("csv", query)))
    assert rows[0] == [
        "visit id", "date", "case reference", "project", "volunteer", "contact made",
        "how long (minutes)", "miles",
    ]  # fmt: skip
    assert [int(row[0]) for row in rows[1:]] == shown
    recent = visits["recent"]
    assert rows[2] == [
        str(recent.pk), recent.visited_on.isoformat(), recent.match.family.case_reference,
        "CAM", "Val Green", "yes", "60", "12",
    ]  # fmt: skip
    xlsx = xlsx_rows(client.get(export_url("xlsx", query)))
    assert len(xlsx) == len(rows)
    assert [row[0] for row in xlsx[1:]] == shown
    assert xlsx[2][1] == datetime.datetime.combine(recent.visited_on, datetime.time())
    assert xlsx[2][5:] == ["yes", 60, 12]
    whole = b"".join(client.get(export_url("csv")).streaming_content)
    assert NOTES.encode() not in whole
    assert NOTES not in str(xlsx_rows(client.get(export_url("xlsx"))))
    event = AuditEvent.objects.filter(action="visits.exported").order_by("pk").first()
    assert event.actor == alice
    assert event.details["count"] == 2 and event.details["format"] == "csv"
    assert event.details["filters"]["contact"] == "yes"


def test_a_bad_filter_on_a_download_filters_nothing_out_and_is_no_error(client_for, alice, visits):
    client = confirmed(client_for(alice))
    query = "visited_from=31/31/2026&volunteer=999999999999999999999&contact=%00&sort=x"
    assert len(csv_rows(client.get(export_url("csv", query)))) == 4  # the heading and 3 visits
    assert len(xlsx_rows(client.get(export_url("xlsx", query)))) == 4
    event = AuditEvent.objects.filter(action="visits.exported").order_by("pk").first()
    assert event.details["filters"] == {}  # none was applied
