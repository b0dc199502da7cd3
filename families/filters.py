import django_filters
from django.db.models import QuerySet

from vicp.forms import DateInput, FilterForm
from vicp.models import Project

from . import policy
from .models import Concern, ConcernCategory

# A concern is waiting to be acknowledged, acknowledged, or closed; "open" is either of
# the first two.
STATUSES = {
    "open": "Open",
    "waiting": "Waiting to be acknowledged",
    "acknowledged": "Acknowledged",
    "closed": "Closed",
}
_STATUS_FILTERS = {
    "open": {"closed_at": None},
    "waiting": {"closed_at": None, "acknowledged_at": None},
    "acknowledged": {"closed_at": None, "acknowledged_at__isnull": False},
    "closed": {"closed_at__isnull": False},
}


def status_of(concern: Concern) -> str:
    """The register's status of a concern: waiting, acknowledged or closed."""
    if concern.closed_at is not None:
        return STATUSES["closed"]
    return STATUSES["acknowledged" if concern.acknowledged_at else "waiting"]


class ConcernFilterForm(FilterForm):
    def clean(self):
        data = super().clean()
        start, end = data.get("raised_from"), data.get("raised_to")
        if start and end and start > end:
            self.add_error("raised_to", "The end date is before the start date.")
        return data


class ConcernFilter(django_filters.FilterSet):
    project = django_filters.ModelChoiceFilter(
        field_name="family__project", queryset=Project.objects.none(), empty_label="All projects"
    )
    status = django_filters.ChoiceFilter(
        choices=list(STATUSES.items()), method="by_status", empty_label="Any status"
    )
    kind = django_filters.ChoiceFilter(
        label="About", choices=Concern.Kind.choices, empty_label="Children or allegations"
    )
    category = django_filters.ChoiceFilter(
        label="Kind of harm", choices=ConcernCategory.choices, empty_label="Any kind"
    )
    overdue = django_filters.ChoiceFilter(
        label="Not acknowledged in time",
        choices=[("yes", "Only these")],
        method="by_overdue",
        empty_label="Any",
    )
    raised_from = django_filters.DateFilter(
        label="Raised from",
        field_name="raised_at",
        lookup_expr="date__gte",
        widget=DateInput(),
    )
    raised_to = django_filters.DateFilter(
        label="Raised to",
        field_name="raised_at",
        lookup_expr="date__lte",
        widget=DateInput(),
    )

    class Meta:
        form = ConcernFilterForm
        model = Concern
        fields = ["project", "status", "kind", "category", "overdue", "raised_from", "raised_to"]

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["project"].queryset = projects

    def by_status(self, queryset: QuerySet[Concern], name: str, value: str) -> QuerySet[Concern]:
        return queryset.filter(**_STATUS_FILTERS[value])

    def by_overdue(self, queryset: QuerySet[Concern], name: str, value: str) -> QuerySet[Concern]:
        return policy.overdue(queryset)

    def applied(self) -> dict[str, str]:
        """The filters in force, as they were sent (an invalid one is not applied)."""
        if not self.is_bound:
            return {}
        self.is_valid()  # cleans the form: cleaned_data holds the valid filters only
        return {
            name: self.data[name]
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "")
        }
