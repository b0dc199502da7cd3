import django_filters

from vicp.listing import ListFilter, SortFilter, date_range

from .models import Report


class ReportFilter(ListFilter):
    kind = django_filters.ChoiceFilter(
        label="Kind", choices=Report.Kind.choices, empty_label="Any kind"
    )
    status = django_filters.ChoiceFilter(
        label="Status", choices=Report.State.choices, method="by_state", empty_label="Any status"
    )
    requested_from, requested_to = date_range(
        "created_at__date", "Asked for on or after", "Asked for on or before"
    )
    sort = SortFilter(
        orders={
            "requested": (("Asked for, oldest first", "Asked for, newest first"), ("created_at",))
        }
    )

    def by_state(self, queryset, name, value):
        return queryset.filter(status__in=Report.statuses_shown_as(value))
