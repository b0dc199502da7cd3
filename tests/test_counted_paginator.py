"""CountedPaginator: Paginator's pages, each read with its count in one query."""

import pytest
from django.core.paginator import Paginator

from vicp.listing import CountedPaginator
from vicp.models import Project

from . import factories

pytestmark = pytest.mark.django_db

ASKED = [1, 2, 3, "2", 2.0, 4, 99, 0, -1, "x", "", None, 1.5, "999999999999999999999", 2**40]


def _shown(page):
    return [p.pk for p in page.object_list], page.number, page.paginator.num_pages


@pytest.mark.parametrize("rows", [0, 1, 5, 6, 12])
def test_it_shows_what_paginator_shows_whatever_page_is_asked_for(rows):
    factories.ProjectFactory.create_batch(rows)
    projects = Project.objects.order_by("pk")
    for number in ASKED:
        expected = Paginator(projects, 5).get_page(number)
        assert _shown(CountedPaginator(projects, 5).get_page(number)) == _shown(expected), number
        assert CountedPaginator(projects, 5).get_page(number).paginator.count == rows


def test_a_page_and_the_count_are_one_query(django_assert_num_queries):
    factories.ProjectFactory.create_batch(12)
    projects = Project.objects.order_by("pk")
    for number in (1, 2, 3):
        with django_assert_num_queries(1):
            page = CountedPaginator(projects, 5).get_page(number)
            assert (len(page), page.paginator.count, page.has_next()) == (
                5 if number < 3 else 2,
                12,
                number < 3,
            )
    nothing = Project.objects.filter(code="no such project")
    with django_assert_num_queries(1):
        assert len(CountedPaginator(nothing, 5).get_page(1)) == 0


def test_beyond_the_last_page_it_counts_and_shows_the_last():
    factories.ProjectFactory.create_batch(7)
    page = CountedPaginator(Project.objects.order_by("pk"), 5).get_page(3)
    assert (page.number, len(page)) == (2, 2)


def test_it_keeps_no_orphans():
    with pytest.raises(ValueError):
        CountedPaginator(Project.objects.order_by("pk"), 5, orphans=1)
