"""The families list: filters that combine and live in the URL, sorting, and exports
of exactly what the filters show."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from families import services
from families.models import Child, Family, Visit
from tests import factories
from tests.exports import as_csv_text, confirmed, csv_rows, xlsx_rows
from vicp.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

LIST = reverse("families:list")


def export(fmt):
    return reverse("families:export", args=[fmt])


def listed(client, **filters):
    response = client.get(LIST, filters)
    assert response.status_code == 200
    return [family.case_reference for family in response.context["page"]]


def close(family, on):
    Family.objects.filter(pk=family.pk).update(status=Family.Status.CLOSED, closed_on=on)


@pytest.fixture
def families(cambridgeshire, sam, alice, family):
    """The Doe family (accepted today, a child on a CP plan), the Khan family (accepted
    a month ago, no CP plan, level of need 2) and the Lee family (closed)."""
    today = timezone.localdate()
    khan = factories.AcceptedFamilyFactory(
        project=cambridgeshire,
        social_worker=sam,
        accepted_by=alice,
        family_name="Khan",
        postcode="PE1 2AB",
    )
    Family.objects.filter(pk=khan.pk).update(accepted_on=today - datetime.timedelta(days=30))
    khan.children.update(plan_type="cin")
    khan.level_of_need = khan.level_of_need.__class__.objects.get(project=None, ordinal=2)
    khan.save(update_fields=["level_of_need"])
    lee = factories.AcceptedFamilyFactory(
        project=cambridgeshire, social_worker=sam, accepted_by=alice, family_name="Lee"
    )
    close(lee, today)
    for one in (family, khan, lee):
        one.refresh_from_db()
    return {"doe": family, "khan": khan, "lee": lee}


def test_open_cases_are_listed_until_closed_ones_are_asked_for(client_for, alice, families):
    client = client_for(alice)
    doe, khan, lee = (families[name].case_reference for name in ("doe", "khan", "lee"))
    assert sorted(listed(client)) == sorted([doe, khan])
    assert listed(client, status="closed") == [lee]
    assert sorted(listed(client, status="any")) == sorted([doe, khan, lee])
    assert listed(client, status="awaiting_match", q="khan") == [khan]


def test_the_form_shows_open_cases_as_chosen(client_for, alice, families):
    page = client_for(alice).get(LIST).content.decode()
    assert '<option value="open" selected>Open (not closed)</option>' in page


def test_search_finds_by_name_child_postcode_and_reference(client_for, alice, families):
    client = client_for(alice)
    khan = families["khan"].case_reference
    assert listed(client, q="Khan") == [khan]
    assert listed(client, q="PE1 2") == [khan]
    assert listed(client, q=khan) == [khan]
    assert sorted(listed(client, q="Amy")) == sorted([families["doe"].case_reference, khan])


def test_filter_by_cp_plan_and_level_of_need(client_for, alice, families):
    client = client_for(alice)
    doe, khan = families["doe"].case_reference, families["khan"].case_reference
    assert listed(client, cp_plan="yes") == [doe]
    assert listed(client, cp_plan="no") == [khan]
    assert listed(client, level_of_need="2") == [khan]
    assert listed(client, level_of_need="2", cp_plan="yes") == []


def test_a_child_who_left_the_household_puts_no_one_on_a_cp_plan(client_for, alice, families):
    Child.objects.filter(family=families["doe"], plan_type="cp").update(
        left_household_on=timezone.localdate()
    )
    assert families["doe"].case_reference in listed(client_for(alice), cp_plan="no")


def test_filter_by_accepted_dates_at_their_edges(client_for, alice, families):
    client = client_for(alice)
    khan_accepted = timezone.localdate() - datetime.timedelta(days=30)
    khan = families["khan"].case_reference
    day = datetime.timedelta(days=1)
    assert listed(client, accepted_to=khan_accepted.isoformat()) == [khan]
    assert listed(client, accepted_to=(khan_accepted - day).isoformat()) == []
    assert khan not in listed(client, accepted_from=(khan_accepted + day).isoformat())
    assert listed(client, status="any", closed_from=timezone.localdate().isoformat()) == [
        families["lee"].case_reference
    ]


def test_an_end_before_the_start_is_explained_and_nothing_fails(client_for, alice, families):
    response = client_for(alice).get(
        LIST, {"accepted_from": "2026-12-01", "accepted_to": "2026-11-01"}
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()


@pytest.mark.parametrize("bad", ["31/31/2026", "x" * 300, "\x00", "2026-02-30"])
def test_malformed_filters_give_a_message_not_a_500(client_for, alice, families, bad):
    response = client_for(alice).get(
        LIST, {"accepted_from": bad, "level_of_need": bad, "volunteer": bad, "sort": bad}
    )
    assert response.status_code == 200


def test_filter_by_volunteer_and_social_worker(client_for, alice, families, match, sally):
    client = client_for(alice)
    doe = families["doe"].case_reference
    assert listed(client, volunteer=match.volunteer.pk) == [doe]
    assert sorted(
        listed(client, social_worker=families["doe"].referral.social_worker.pk)
    ) == sorted([doe, families["khan"].case_reference])
    # Another project's social worker is not a choice: the filter is refused, not applied.
    response = client.get(LIST, {"social_worker": sally.pk})
    assert "social_worker" in response.context["filter"].form.errors


def test_sort_by_family_name_and_by_last_contact(client_for, alice, families, match):
    client = client_for(alice)
    doe, khan = families["doe"].case_reference, families["khan"].case_reference
    assert listed(client, sort="family") == [doe, khan]
    assert listed(client, sort="-family") == [khan, doe]
    services.log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=match.started_on,
        contact_made=True,
        duration_minutes=60,
        engagement=3,
    )
    assert Visit.objects.filter(contact_made=True).count() == 1
    assert listed(client, sort="-last_contact")[0] == doe


def test_a_sortable_heading_reverses_its_order_and_keeps_the_filters(client_for, alice, families):
    page = client_for(alice).get(LIST, {"status": "any", "sort": "family"}).content.decode()
    assert 'aria-sort="ascending"' in page
    assert "?status=any&amp;sort=-family" in page


def test_each_person_lists_only_what_they_may_see(client_for, cast, families, charlie):
    assert listed(client_for(charlie), status="any") == []
    assert listed(client_for(charlie), status="any", q="Khan") == []
    assert len(listed(client_for(cast["sam"]), status="any")) == 3
    assert listed(client_for(cast["sally"]), status="any") == []


def test_social_workers_have_no_people_filters_and_no_downloads(client_for, sam, families):
    response = client_for(sam).get(LIST)
    assert set(response.context["filter"].form.fields) >= {"q", "status", "cp_plan"}
    assert "volunteer" not in response.context["filter"].form.fields
    assert "Download CSV" not in response.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("who", ["sam", "sally", "vera", "una"])
def test_only_managers_export(client_for, cast, families, fmt, who):
    assert confirmed(client_for(cast[who])).get(export(fmt)).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_asks_for_the_password_again(client_for, alice, families, fmt):
    response = client_for(alice).get(export(fmt), {"status": "closed"})
    assert response["Location"].startswith(reverse("vicp:confirm_password"))
    assert "status%3Dclosed" in response["Location"]


def test_the_csv_holds_what_the_filters_show_and_is_audited(client_for, alice, families):
    client = confirmed(client_for(alice))
    rows = csv_rows(client.get(export("csv"), {"cp_plan": "no"}))
    assert rows[0][:4] == ["case reference", "family name", "project", "status"]
    assert [row[0] for row in rows[1:]] == [families["khan"].case_reference]
    khan = rows[1]
    assert khan[7] == (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    event = AuditEvent.objects.get(action="families.exported")
    assert event.actor == alice
    assert event.details["filters"] == {"status": "open", "cp_plan": "no"}
    assert event.details["count"] == 1


def test_the_xlsx_holds_the_same_rows_as_the_csv(client_for, alice, families, match):
    client = confirmed(client_for(alice))
    filters = {"status": "any", "sort": "family"}
    csv_table = csv_rows(client.get(export("csv"), filters))
    xlsx_table = xlsx_rows(client.get(export("xlsx"), filters))
    assert len(csv_table) == 4
    assert [[as_csv_text(cell) for cell in row] for row in xlsx_table] == csv_table
    assert isinstance(xlsx_table[1][7], datetime.datetime)  # a real date, not text


def test_another_projects_manager_exports_nothing_of_this_one(client_for, charlie, families):
    client = confirmed(client_for(charlie))
    assert csv_rows(client.get(export("csv"), {"status": "any"})) == [
        csv_rows(client.get(export("csv")))[0]
    ]


def test_a_family_name_typed_as_a_formula_is_exported_as_text(client_for, alice, families):
    Family.objects.filter(pk=families["khan"].pk).update(family_name='=HYPERLINK("x")')
    rows = csv_rows(
        confirmed(client_for(alice)).get(export("csv"), {"q": families["khan"].case_reference})
    )
    assert rows[1][1] == '\'=HYPERLINK("x")'


def test_the_export_issues_the_same_queries_for_2_or_50_families(
    client_for, alice, sam, cambridgeshire, django_assert_max_num_queries
):
    client = confirmed(client_for(alice))
    counts = []
    for total in (2, 50):
        factories.AcceptedFamilyFactory.create_batch(
            total - Family.objects.count(),
            project=cambridgeshire,
            social_worker=sam,
            accepted_by=alice,
        )
        with django_assert_max_num_queries(20) as queries:
            assert len(csv_rows(client.get(export("csv")))) == total + 1
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_open_default_says_how_many_closed_cases_it_hides(client_for, alice, cambridgeshire):
    open_case = factories.AcceptedFamilyFactory(project=cambridgeshire, family_name="Open")
    for name in ("Gone", "Done"):
        family = factories.AcceptedFamilyFactory(project=cambridgeshire, family_name=name)
        services.close_case(family, by=alice, reason="Done", missing_reason="disengaged")
    client = client_for(alice)
    page = client.get(reverse("families:list")).content.decode()
    assert open_case.case_reference in page
    assert "2 closed cases are not shown" in page
    link = 'href="?status=any"'
    assert link in page
    every = client.get(reverse("families:list") + "?status=any").content.decode()
    assert "not shown" not in every and every.count("CAM-") >= 3
    # Only the closed cases the other filters would show are counted.
    searched = client.get(reverse("families:list"), {"q": "Gone"}).content.decode()
    assert "1 closed case is not shown" in searched
