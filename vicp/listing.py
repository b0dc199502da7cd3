"""What every list shares: its filters (django-filter) with the state in the URL, a
sort order chosen from the column headings, pages, and exports of what it shows."""

from typing import Any

import django_filters
import django_filters.constants
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, F, Window

from .forms import DateInput, FilterForm

SORT = "sort"


class ListFilterForm(FilterForm):
    """A list's filter form. A range's end may not come before its start: every pair of
    fields named `<name>_from` and `<name>_to` is checked."""

    def clean(self):
        data = super().clean()
        for name in self.fields:
            if not name.endswith("_from"):
                continue
            end_name = name.removesuffix("_from") + "_to"
            start, end = data.get(name), data.get(end_name)
            if start is not None and end is not None and start > end:
                self.add_error(end_name, "The end date is before the start date.")
                # Neither end of a range that cannot be is applied.
                data.pop(name, None)
        return data


class ListFilter(django_filters.FilterSet):
    """A list's filters. A bad value (a date like "31/31/2026") shows its message next
    to the field and filters nothing out rather than failing the page."""

    class Meta:
        form = ListFilterForm

    def applied(self) -> dict[str, Any]:
        """The filters in force, as they were sent (an invalid one is not applied)."""
        if not self.is_bound:
            return {}
        self.is_valid()  # cleans the form: cleaned_data holds the valid filters only
        return {
            name: self.data.getlist(name) if len(self.data.getlist(name)) > 1 else self.data[name]
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "", [])
        }


def list_page(request, list_filter: ListFilter, per_page: int) -> dict[str, Any]:
    """A template's context for one page of a filtered list: `filter`, `page` and
    `query` (the filters and sort as a query string, for the page and export links)."""
    page: Page = Paginator(list_filter.qs, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"filter": list_filter, "page": page, "query": query.urlencode()}


WINDOW_MAX_OFFSET = 2**31


class CountedPaginator(Paginator):
    """Pages of a short list, each read with the number of rows in all in one query (a
    window over every row) instead of two: for lists of some hundreds of rows at most,
    such as a family's visits, as the window reads every row before the page is cut from
    them. Beyond the last page, or on an empty list, it counts as Paginator does. No
    orphans; a DISTINCT query is counted as Paginator does (the window would count the
    duplicates)."""

    def __init__(self, object_list, per_page, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if self.orphans:
            raise ValueError("CountedPaginator keeps no orphans")

    def page(self, number):
        number = self._as_page_number(number)
        bottom = (number - 1) * self.per_page
        # A page asked for far beyond any list is counted first, as Paginator does: its
        # offset would not fit the database's integer.
        if (
            "count" not in self.__dict__
            and not self.object_list.query.distinct
            and bottom < WINDOW_MAX_OFFSET
        ):
            counted = self.object_list.annotate(rows_in_all_for_pages=Window(Count("pk")))
            rows = list(counted[bottom : bottom + self.per_page])
            if rows:
                self.__dict__["count"] = rows[0].rows_in_all_for_pages  # Paginator.count
                return self._get_page(rows, number, self)
            if number == 1:
                self.__dict__["count"] = 0
        return super().page(number)

    def get_page(self, number):
        """As Paginator's: the first page for a page that is not a number, the last for
        one beyond it."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(self.num_pages)

    def _as_page_number(self, number):
        """Paginator.validate_number without the count: a whole number from 1."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number


class SortFilter(django_filters.OrderingFilter):
    """A list's sort order, `?sort=key` (or `-key`, reversed), chosen from the column
    headings (`{% sort_header %}`) or from its select on a phone.

    `orders` maps each key to its label in the select and the fields it orders by
    ("-field" runs the other way). A label is one text ("Name" gives "Name" and "Name,
    reversed") or the two, ascending first. Rows with no value come last whichever way,
    and the primary key breaks ties, so a page never repeats or skips a row of the one
    before; `then` (fields ending with a unique one) breaks them another way, whichever
    way the list is sorted.
    """

    def __init__(
        self,
        *,
        orders: dict[str, tuple[str | tuple[str, str], tuple[str, ...]]],
        then: tuple[str, ...] = (),
        **kwargs,
    ):
        self.orders = {key: fields for key, (_label, fields) in orders.items()}
        self.then = then
        kwargs.setdefault("label", "Sort by")
        kwargs.setdefault("empty_label", "Default order")
        choices = []
        for key, (label, _fields) in orders.items():
            ascending, descending = (
                label if isinstance(label, tuple) else (label, f"{label}, reversed")
            )
            choices += [(key, ascending), (f"-{key}", descending)]
        kwargs["choices"] = choices
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return qs
        ordering = []
        for param in value:
            if not param:
                continue
            descending = param.startswith("-")
            for field in self.orders[param.removeprefix("-")]:
                reverse = descending != field.startswith("-")
                expression = F(field.removeprefix("-"))
                ordering.append(
                    expression.desc(nulls_last=True) if reverse else expression.asc(nulls_last=True)
                )
        if self.then:
            return qs.order_by(*ordering, *self.then)
        last = F("pk").desc() if value[0].startswith("-") else F("pk").asc()
        return qs.order_by(*ordering, last)


def date_range(field_name: str, start: str, end: str):
    """The `<name>_from` and `<name>_to` filters of a date, labelled `start` and `end`
    (the list's form checks that the end does not come before the start)."""
    return (
        django_filters.DateFilter(
            label=start, field_name=field_name, lookup_expr="gte", widget=DateInput()
        ),
        django_filters.DateFilter(
            label=end, field_name=field_name, lookup_expr="lte", widget=DateInput()
        ),
    )
