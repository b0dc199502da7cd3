"""Lists on home pages stay short however large the caseload grows."""

import datetime
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

from vicp.models import Project
from vicp.selectors import first_rows

from . import factories


def test_a_short_list_is_shown_whole():
    assert first_rows(list(range(25))) == (list(range(25)), 0)


def test_a_long_list_shows_25_and_says_how_many_more():
    assert first_rows(list(range(31))) == (list(range(25)), 6)


@pytest.mark.django_db
def test_a_queryset_is_cut_in_the_database(django_assert_num_queries):
    factories.ProjectFactory.create_batch(27)
    with django_assert_num_queries(2):  # the first 25 rows, then the count
        rows, more = first_rows(Project.objects.order_by("pk"))
    assert (len(rows), more) == (25, 2)
    with django_assert_num_queries(2):  # the same queries when everything fits
        rows, more = first_rows(Project.objects.filter(pk__in=[p.pk for p in rows[:20]]))
    assert (len(rows), more) == (20, 0)


def test_the_recruitment_panel_says_how_many_more():
    volunteer = SimpleNamespace(
        pk=1,
        full_name="Val Green",
        project=SimpleNamespace(code="CAM"),
        supervision_due_on=datetime.date(2026, 1, 5),
    )
    context = {"stage_counts": [], "supervision_overdue": [volunteer], "dbs_renewals": []}
    html = render_to_string(
        "volunteers/_recruitment_summary.html", {**context, "supervision_overdue_more": 7}
    )
    assert "Val Green" in html and "And 7 more, most overdue first above." in html
    html = render_to_string(
        "volunteers/_recruitment_summary.html", {**context, "supervision_overdue_more": 0}
    )
    assert "more, most overdue" not in html
