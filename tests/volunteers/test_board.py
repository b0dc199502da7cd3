"""The volunteers board: its search and filters (alone and together), its sort orders,
and its exports (CSV and XLSX of exactly what the filters show, for managers only,
after the password again, audited)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from tests import factories
from tests.exports import both, confirm_password, csv_rows, xlsx_rows
from vicp.models import AuditEvent
from volunteers import selectors, services
from volunteers.models import DBSCheck, Interview, Reference

pytestmark = pytest.mark.django_db

BOARD = reverse("volunteers:board")
TODAY = datetime.date(2026, 6, 15)
HEADER = [
    "first name",
    "last name",
    "email",
    "phone",
    "project",
    "stage",
    "at the stage since",
    "applied on",
    "languages",
    "postcode district",
    "days available",
    "times available",
    "drives",
    "DBS re-check date",
    "signed off on",
]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(
        datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC), tick=False
    ):
        yield


def shown(client, **query):
    response = client.get(BOARD, query)
    assert response.status_code == 200
    return [volunteer.full_name for volunteer in response.context["page"].object_list]


def ready(project, name, recheck_on=None, **fields):
    """A signed-off volunteer called `name`, whose DBS is re-checked on `recheck_on`."""
    first, last = name.split()
    volunteer = factories.ReadyVolunteerFactory(
        project=project, first_name=first, last_name=last, **fields
    )
    if recheck_on:
        issued_on = services.add_years(recheck_on, -3)
        DBSCheck.objects.filter(volunteer=volunteer).update(issued_on=issued_on)
    return volunteer


def applied(project, name, **fields):
    first, last = name.split()
    return factories.VolunteerFactory(project=project, first_name=first, last_name=last, **fields)


def in_days(n):
    return TODAY + datetime.timedelta(days=n)


# --- Search and filters ------------------------------------------------------------


@pytest.mark.parametrize("typed", ["gujarati", "GUJARATI", "Gujar", "priya gujarati"])
def test_the_search_finds_a_language_the_applicant_listed(alice, cambridgeshire, client_for, typed):
    applied(cambridgeshire, "Priya Patel", languages="English, Gujarati")
    applied(cambridgeshire, "Bob Ray", languages="English")
    assert shown(client_for(alice), q=typed) == ["Priya Patel"]


def test_the_languages_filter_finds_who_speaks_a_language(alice, cambridgeshire, client_for):
    applied(cambridgeshire, "Lan Nguyen", languages="Vietnamese, English")
    applied(cambridgeshire, "Minh Tran", languages="vietnamese and Cantonese")
    applied(cambridgeshire, "Bob Ray", languages="English, French")
    applied(cambridgeshire, "Nia Osei", languages="")
    client = client_for(alice)
    assert shown(client, languages="Vietnamese") == ["Lan Nguyen", "Minh Tran"]
    # Each language named must be spoken.
    assert shown(client, languages="Vietnamese, Cantonese") == ["Minh Tran"]
    assert shown(client, languages="Welsh") == []
    page = client.get(BOARD, {"languages": "Vietnamese"}).content.decode()
    assert "Vietnamese, English" in page  # what each speaks is on the board


def test_the_district_filter(alice, cambridgeshire, client_for):
    applied(cambridgeshire, "Ann Cb", postcode="CB4 1AA")
    applied(cambridgeshire, "Ben Cb", postcode="CB4 3ZZ")
    applied(cambridgeshire, "Cal Cb", postcode="CB41 1AA")  # another district
    applied(cambridgeshire, "Dee Cb", postcode="CB2 1TN")
    client = client_for(alice)
    for typed in ("CB4", "cb4", " cb4 ", "CB4 2ZZ", "cb42zz"):
        assert shown(client, district=typed) == ["Ann Cb", "Ben Cb"], typed
    assert shown(client, district="CB41") == ["Cal Cb"]
    assert shown(client, district="PE1") == []


def test_the_availability_filter_finds_anyone_free_on_one_of_the_days(
    alice, cambridgeshire, client_for
):
    applied(cambridgeshire, "Sat Only", availability_days=["sat"])
    applied(cambridgeshire, "Sun Only", availability_days=["sun"])
    applied(cambridgeshire, "Week Days", availability_days=["mon", "tue"])
    applied(cambridgeshire, "No Days", availability_days=[])
    client = client_for(alice)
    assert shown(client, available="sat") == ["Sat Only"]
    assert shown(client, available=["sat", "sun"]) == ["Sat Only", "Sun Only"]
    assert shown(client, available="tue") == ["Week Days"]


def test_dbs_renewal_due_follows_the_rule_of_the_home_page(alice, cambridgeshire, client_for):
    window = services.DBS_RENEWAL_WINDOW_DAYS
    ready(cambridgeshire, "Due Last", recheck_on=in_days(window))
    ready(cambridgeshire, "Not Yet", recheck_on=in_days(window + 1))
    ready(cambridgeshire, "Due Today", recheck_on=TODAY)
    ready(cambridgeshire, "Lapsed Yesterday", recheck_on=in_days(-1))
    # An applicant's old certificate is not followed: they are not active yet.
    applicant = applied(cambridgeshire, "Old Check")
    DBSCheck.objects.create(
        volunteer=applicant,
        certificate_number=factories.CERTIFICATE,
        issued_on=in_days(-5000),
        result="clear",
        recorded_by=alice,
    )
    client = client_for(alice)
    due = ["Due Last", "Due Today", "Lapsed Yesterday"]
    assert sorted(shown(client, dbs="due")) == sorted(due)
    home = [row["volunteer"].full_name for row in selectors.dbs_renewals(alice)]
    assert sorted(home) == sorted(due)
    assert shown(client, dbs="lapsed") == ["Lapsed Yesterday"]
    assert sorted(shown(client, dbs="30")) == ["Due Today"]
    assert sorted(shown(client, dbs="90")) == ["Due Last", "Due Today", "Not Yet"]


def test_a_withdrawn_check_does_not_count_for_the_renewal(alice, cambridgeshire, client_for):
    volunteer = ready(cambridgeshire, "Has Two", recheck_on=in_days(10))
    newer = DBSCheck.objects.get(volunteer=volunteer)
    DBSCheck.objects.create(
        volunteer=volunteer,
        certificate_number="999988887777",
        issued_on=TODAY,
        result="clear",
        recorded_by=alice,
        withdrawn_at=datetime.datetime(2026, 6, 15, 9, tzinfo=datetime.UTC),
        withdrawn_by=alice,
        withdrawal_reason="Recorded on the wrong volunteer.",
    )
    client = client_for(alice)
    assert shown(client, dbs="30") == ["Has Two"]
    page = client.get(BOARD).content.decode()
    assert "25 Jun 2026" in page  # the re-check date of the check that counts
    assert newer.issued_on == datetime.date(2023, 6, 25)


def test_the_filters_combine(alice, cambridgeshire, client_for):
    alice.managed_projects.add(norfolk := factories.ProjectFactory(name="Norfolk", code="NOR"))
    fields = {
        "languages": "Vietnamese",
        "postcode": "CB4 1AA",
        "availability_days": ["sat"],
    }
    ready(cambridgeshire, "Lan Match", recheck_on=in_days(20), **fields)
    ready(norfolk, "Other Project", recheck_on=in_days(20), **fields)
    ready(cambridgeshire, "No Vietnamese", recheck_on=in_days(20), **{**fields, "languages": ""})
    ready(
        cambridgeshire,
        "Other District",
        recheck_on=in_days(20),
        **{**fields, "postcode": "CB2 1TN"},
    )
    ready(
        cambridgeshire,
        "Weekdays Only",
        recheck_on=in_days(20),
        **{**fields, "availability_days": ["mon"]},
    )
    ready(cambridgeshire, "In Date", recheck_on=in_days(400), **fields)
    applied(cambridgeshire, "Just Applied", **fields)
    client = client_for(alice)
    query = {
        "languages": "vietnamese",
        "district": "CB4",
        "available": "sat",
        "dbs": "30",
        "project": cambridgeshire.pk,
        "stage": "ready",
    }
    assert shown(client, **query) == ["Lan Match"]
    assert shown(client, **{**query, "q": "lan"}) == ["Lan Match"]
    assert shown(client, **{**query, "q": "nobody"}) == []
    assert sorted(shown(client, **{**query, "project": ""})) == ["Lan Match", "Other Project"]
    assert sorted(shown(client, **{**query, "dbs": ""})) == ["In Date", "Lan Match"]
    assert shown(client, **{**query, "stage": "applied", "dbs": ""}) == ["Just Applied"]


def test_the_filters_stay_in_the_links_of_the_page(alice, cambridgeshire, client_for):
    for n in range(30):
        applied(cambridgeshire, f"Vol Number{n:02}", languages="Vietnamese")
    page = client_for(alice).get(BOARD, {"languages": "Vietnamese", "sort": "name"})
    html = page.content.decode()
    assert 'href="?languages=Vietnamese&amp;sort=name&amp;page=2"' in html
    export = reverse("volunteers:export", args=["xlsx"])
    assert f'href="{export}?languages=Vietnamese&amp;sort=name"' in html
    # A heading sorts the filtered list the other way, from the first page.
    assert 'href="?languages=Vietnamese&amp;sort=-name"' in html
    assert page.context["filter"].form["languages"].value() == "Vietnamese"


@pytest.mark.parametrize(
    "query",
    [
        {"dbs": "12"},
        {"available": "someday"},
        {"sort": "password"},
        {"project": "abc"},
        {"district": "\x00"},
        {"q": "\x00", "languages": "\x00"},
        {"stage": "nonsense", "page": "x"},
    ],
)
def test_a_bad_filter_is_explained_and_filters_nothing_out(
    alice, cambridgeshire, client_for, query
):
    applied(cambridgeshire, "Amy Doe")
    response = client_for(alice).get(BOARD, query)
    assert response.status_code == 200
    assert [v.full_name for v in response.context["page"].object_list] == ["Amy Doe"]


def test_a_bad_choice_is_said_next_to_its_field(alice, cambridgeshire, client_for):
    applied(cambridgeshire, "Amy Doe")
    response = client_for(alice).get(BOARD, {"dbs": "12"})
    assert "dbs" in response.context["filter"].form.errors
    assert "is-invalid" in response.content.decode()


# --- Sorting -------------------------------------------------------------------------


@pytest.fixture
def three(cambridgeshire, southend, ada):
    """Three volunteers who sort differently on every column."""
    cambridgeshire.code, southend.code = "CAM", "STH"
    zoe = ready(southend, "Zoe Adams", recheck_on=in_days(100))
    amy = applied(cambridgeshire, "Amy Young")
    bob = ready(cambridgeshire, "Bob Mills", recheck_on=in_days(10), stage="matched")
    # Applied: Zoe longest ago; at the stage: Bob longest.
    zoe.applied_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    amy.applied_at = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    bob.applied_at = datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC)
    zoe.stage_changed_at = datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC)
    amy.stage_changed_at = datetime.datetime(2026, 6, 2, tzinfo=datetime.UTC)
    bob.stage_changed_at = datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    for volunteer in (zoe, amy, bob):
        volunteer.save()
    return zoe, amy, bob


@pytest.mark.parametrize(
    "sort, order",
    [
        ("", ["Bob Mills", "Zoe Adams", "Amy Young"]),  # longest at their stage first
        ("name", ["Zoe Adams", "Bob Mills", "Amy Young"]),
        ("-name", ["Amy Young", "Bob Mills", "Zoe Adams"]),
        ("project", ["Amy Young", "Bob Mills", "Zoe Adams"]),
        ("stage", ["Amy Young", "Zoe Adams", "Bob Mills"]),  # the pipeline's order
        ("-stage", ["Bob Mills", "Zoe Adams", "Amy Young"]),
        ("since", ["Bob Mills", "Zoe Adams", "Amy Young"]),
        ("applied", ["Zoe Adams", "Bob Mills", "Amy Young"]),
        ("-applied", ["Amy Young", "Bob Mills", "Zoe Adams"]),
        # No DBS check last, whichever way.
        ("dbs", ["Bob Mills", "Zoe Adams", "Amy Young"]),
        ("-dbs", ["Zoe Adams", "Bob Mills", "Amy Young"]),
    ],
)
def test_every_column_sorts_both_ways(three, ada, client_for, sort, order):
    assert shown(client_for(ada), sort=sort) == order


def test_the_headings_say_how_the_board_is_sorted(three, ada, client_for):
    html = client_for(ada).get(BOARD, {"sort": "-applied"}).content.decode()
    assert '<th scope="col" aria-sort="descending"><a href="?sort=applied">Applied' in html
    assert '<a href="?sort=name">Name' in html


def test_pages_of_equal_rows_neither_repeat_nor_skip(alice, cambridgeshire, client_for):
    for n in range(30):
        applied(cambridgeshire, f"Same Name{n % 2}")
    client = client_for(alice)
    pages = []
    for sort in ("stage", "-stage"):
        first = client.get(BOARD, {"sort": sort}).context["page"].object_list
        second = client.get(BOARD, {"sort": sort, "page": 2}).context["page"].object_list
        pages.append([v.pk for v in [*first, *second]])
        assert len(set(pages[-1])) == 30
    assert pages[0] == pages[1][::-1]


# --- Exports -------------------------------------------------------------------------


@pytest.fixture
def priya(cambridgeshire, alice):
    """A Gujarati speaker in training, with interview notes and references on record."""
    volunteer = ready(
        cambridgeshire,
        "Priya Patel",
        recheck_on=in_days(45),
        languages="English, Gujarati",
        postcode="CB4 1AA",
        availability_days=["tue", "sat"],
        availability_times="Evenings",
        drives=True,
        email="priya@example.org",
        phone="07700 900456",
    )
    Interview.objects.filter(volunteer=volunteer).update(notes="Private interview notes")
    Reference.objects.filter(volunteer=volunteer).update(relationship="Private referee words")
    return volunteer


def export_client(client_for, user):
    client = client_for(user)
    confirm_password(client)
    return client


def test_the_export_needs_the_password_again(alice, priya, client_for):
    client = client_for(alice)
    url = reverse("volunteers:export", args=["csv"])
    response = client.get(url, {"q": "gujarati"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("vicp:confirm_password"))
    assert not AuditEvent.objects.filter(action="volunteers.exported").exists()
    confirm_password(client, f"{url}?q=gujarati")
    assert csv_rows(client.get(url, {"q": "gujarati"}))[1][:2] == ["Priya", "Patel"]


def test_the_export_holds_what_a_manager_needs_and_no_notes(alice, priya, client_for):
    rows = csv_rows(
        export_client(client_for, alice).get(reverse("volunteers:export", args=["csv"]))
    )
    assert rows == [
        HEADER,
        [
            "Priya",
            "Patel",
            "priya@example.org",
            "07700 900456",
            "CAM",
            "Ready",
            "2026-06-15",
            "2026-04-16",
            "English, Gujarati",
            "CB4",
            "Tuesday, Saturday",
            "Evenings",
            "yes",
            "2026-07-30",
            "2026-06-15",
        ],
    ]
    text = str(rows)
    assert "Private" not in text and "Ruth Baker" not in text and "1AA" not in text
    assert factories.CERTIFICATE not in text


def test_the_export_is_exactly_what_the_filters_show_on_every_page(
    alice, priya, cambridgeshire, client_for
):
    for n in range(30):
        applied(cambridgeshire, f"Viet Speaker{n:02}", languages="Vietnamese")
    client = export_client(client_for, alice)
    query = {"languages": "vietnamese", "sort": "-name"}
    board = client.get(BOARD, query).context["page"]
    assert board.paginator.count == 30 and len(board.object_list) == 25
    csv_part, xlsx_part = both(client, "volunteers:export", query)
    names = [row[1] for row in csv_part[1:]]
    assert names == [f"Speaker{n:02}" for n in range(29, -1, -1)]  # in the board's order
    assert xlsx_part == csv_part


def test_the_xlsx_opens_with_real_dates_and_the_same_rows(alice, priya, client_for):
    client = export_client(client_for, alice)
    rows = xlsx_rows(client.get(reverse("volunteers:export", args=["xlsx"])))
    assert rows[0] == HEADER
    assert rows[1][HEADER.index("DBS re-check date")] == datetime.datetime(2026, 7, 30)  # noqa: DTZ001
    csv_part, xlsx_part = both(client, "volunteers:export")
    assert xlsx_part == csv_part


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_is_audited_with_its_filters(alice, priya, client_for, fmt):
    client = export_client(client_for, alice)
    client.get(reverse("volunteers:export", args=[fmt]), {"q": "gujarati", "dbs": "due", "x": "1"})
    event = AuditEvent.objects.get(action="volunteers.exported")
    assert event.actor == alice
    assert event.details == {"format": fmt, "count": 1, "filters": {"q": "gujarati", "dbs": "due"}}


def test_each_manager_exports_their_projects_only(alice, charlie, ada, priya, southend, client_for):
    ready(southend, "Sid Stone", recheck_on=in_days(45))
    query = {"dbs": "due"}
    names = {}
    for who in (alice, charlie, ada):
        csv_part, xlsx_part = both(export_client(client_for, who), "volunteers:export", query)
        assert xlsx_part == csv_part
        names[who.first_name] = sorted(row[0] for row in csv_part[1:])
    assert names == {"Alice": ["Priya"], "Charlie": ["Sid"], "Ada": ["Priya", "Sid"]}


def test_a_manager_cannot_export_another_projects_volunteers_by_naming_it(
    alice, charlie, priya, cambridgeshire, client_for
):
    client = export_client(client_for, charlie)
    rows = csv_rows(
        client.get(reverse("volunteers:export", args=["csv"]), {"project": cambridgeshire.pk})
    )
    assert rows == [HEADER]


@pytest.mark.parametrize("who", ["sam", "sally", "vera", "una"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_volunteers_and_social_workers_get_404(cast, priya, client_for, who, fmt):
    client = export_client(client_for, cast[who])
    assert client.get(reverse("volunteers:export", args=[fmt])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("volunteers:export", args=["csv"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_no_other_format(alice, client_for):
    client = export_client(client_for, alice)
    assert client.get("/volunteers/export.pdf").status_code == 404


@pytest.mark.parametrize(
    "query", [{"dbs": "12"}, {"sort": "x"}, {"available": "\x00"}, {"project": "9" * 30}]
)
def test_a_bad_filter_exports_without_it(alice, priya, client_for, query):
    client = export_client(client_for, alice)
    csv_part, xlsx_part = both(client, "volunteers:export", query)
    assert len(csv_part) == 2 and xlsx_part == csv_part


def test_the_board_links_to_its_exports(alice, priya, client_for):
    html = client_for(alice).get(BOARD, {"q": "gujarati"}).content.decode()
    for fmt in ("csv", "xlsx"):
        assert f'href="{reverse("volunteers:export", args=[fmt])}?q=gujarati"' in html


def test_the_dbs_issue_date_of_a_renewal_due_by_a_date(settings):
    """The inverse of the re-check date, at 29 February."""
    assert settings.VICP_DBS_VALID_YEARS == 3
    for day in (datetime.date(2031, 2, 28), datetime.date(2032, 2, 29), datetime.date(2026, 6, 15)):
        issued = services.last_issue_rechecked_by(day)
        assert services.recheck_date(issued) <= day
        assert services.recheck_date(issued + datetime.timedelta(days=1)) > day
    assert services.last_issue_rechecked_by(datetime.date(2031, 2, 28)) == datetime.date(
        2028, 2, 29
    )


def test_a_formula_typed_into_the_application_reaches_both_files_as_text(
    alice, cambridgeshire, client_for
):
    """The languages come from the public application form: anyone can type them."""
    formula = '=HYPERLINK("http://evil.example","x")'
    applied(cambridgeshire, "Eve Hacker", languages=formula)
    csv_part, xlsx_part = both(export_client(client_for, alice), "volunteers:export")
    assert csv_part[1][HEADER.index("languages")] == "'" + formula
    assert xlsx_part == csv_part
