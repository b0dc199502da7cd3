import django_filters
from django.db.models import Exists, OuterRef, QuerySet
from django.http import QueryDict

from referrals.models import LevelOfNeed, PlanType
from vicp import search
from vicp.forms import DateInput, LongSelect
from vicp.listing import ListFilter, SortFilter, date_range
from vicp.models import Project, User
from volunteers.models import Volunteer

from . import policy
from .models import Child, Concern, ConcernCategory, Family, Match, Visit
from .selectors import family_ids_matching

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


class ConcernFilter(ListFilter):
    project = django_filters.ModelChoiceFilter(
        field_name="family__project", queryset=Project.objects.none(), empty_label="All projects"
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=list(STATUSES.items()),
        method="by_status",
        empty_label="Any status",
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

    class Meta(ListFilter.Meta):
        model = Concern
        fields = ["project", "status", "kind", "category", "overdue", "raised_from", "raised_to"]

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["project"].queryset = projects

    def by_status(self, queryset: QuerySet[Concern], name: str, value: str) -> QuerySet[Concern]:
        return queryset.filter(**_STATUS_FILTERS[value])

    def by_overdue(self, queryset: QuerySet[Concern], name: str, value: str) -> QuerySet[Concern]:
        return policy.overdue(queryset)


def volunteer_choices(volunteers: QuerySet[Volunteer]) -> list[tuple[str, str]]:
    """A filter's choice of volunteers, by id and name: read as plain rows, since a
    manager's lists offer every volunteer who has worked with one of their families
    (hundreds, in time)."""
    rows = volunteers.values_list("pk", "first_name", "last_name")
    return [(str(pk), Volunteer.name_of(first, last)) for pk, first, last in rows]


def person_choices(people: QuerySet[User]) -> list[tuple[str, str]]:
    """A filter's choice of people with an account (a project's social workers: tens)."""
    return [(str(person.pk), str(person)) for person in people]


# The families list shows open cases until someone asks for others.
OPEN = "open"
ANY = "any"
FAMILY_STATUSES = [
    (OPEN, "Open (not closed)"),
    *Family.Status.choices,
    (ANY, "Any status, closed too"),
]


class FamilyFilter(ListFilter):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        help_text="Case reference, family name, a parent's or child's name, or postcode.",
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=FAMILY_STATUSES,
        method="by_status",
        empty_label=None,
        null_label=None,
    )
    project = django_filters.ModelChoiceFilter(
        queryset=Project.objects.none(), empty_label="All projects"
    )
    volunteer = django_filters.ChoiceFilter(
        label="Volunteer",
        choices=[],
        method="by_volunteer",
        empty_label="Any volunteer",
        widget=LongSelect,
        help_text="Families this volunteer works or worked with.",
    )
    social_worker = django_filters.ChoiceFilter(
        label="Social worker",
        field_name="referral__social_worker",
        choices=[],
        empty_label="Any social worker",
        widget=LongSelect,
    )
    level_of_need = django_filters.ChoiceFilter(
        label="Level of need",
        field_name="level_of_need__ordinal",
        choices=[],
        empty_label="Any level",
    )
    cp_plan = django_filters.ChoiceFilter(
        label="Child protection plan",
        choices=[("yes", "A child is on a CP plan"), ("no", "No child on a CP plan")],
        method="by_cp_plan",
        empty_label="Either",
    )
    accepted_from, accepted_to = date_range("accepted_on", "Accepted from", "Accepted to")
    closed_from, closed_to = date_range("closed_on", "Closed from", "Closed to")
    sort = SortFilter(
        orders={
            "case": ("Case reference", ("case_reference",)),
            "family": ("Family name", ("family_name",)),
            "accepted": (("Accepted, oldest first", "Accepted, newest first"), ("accepted_on",)),
            "closed": (("Closed, oldest first", "Closed, newest first"), ("closed_on",)),
            "last_contact": (
                ("Last contact, longest ago first", "Last contact, most recent first"),
                ("last_contact_on",),
            ),
        }
    )

    class Meta(ListFilter.Meta):
        model = Family
        fields: list[str] = []

    def __init__(self, data=None, *args, user: User, projects, volunteers, social_workers, **kw):
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = OPEN
        super().__init__(data, *args, **kw)
        self.filters["project"].queryset = projects
        if not user.is_manager:
            for name in ("volunteer", "social_worker", "level_of_need", "project"):
                del self.filters[name]
            return
        # Read only when the form is drawn or a choice checked (an export draws none).
        self.filters["volunteer"].extra["choices"] = lambda: volunteer_choices(volunteers)
        self.filters["social_worker"].extra["choices"] = lambda: person_choices(social_workers)
        self.filters["level_of_need"].extra["choices"] = [
            (str(ordinal), str(ordinal))
            for ordinal in LevelOfNeed.objects.order_by("ordinal")
            .values_list("ordinal", flat=True)
            .distinct()
        ]

    def search(self, queryset: QuerySet[Family], name: str, value: str) -> QuerySet[Family]:
        query = search.cleaned(value)
        if not query:
            return queryset
        return queryset.filter(search.among(family_ids_matching(search.sought(query))))

    def by_status(self, queryset: QuerySet[Family], name: str, value: str) -> QuerySet[Family]:
        if value == ANY:
            return queryset
        if value == OPEN:
            return queryset.exclude(status=Family.Status.CLOSED)
        return queryset.filter(status=value)

    def by_volunteer(self, queryset: QuerySet[Family], name: str, value) -> QuerySet[Family]:
        return queryset.filter(Exists(Match.objects.filter(family=OuterRef("pk"), volunteer=value)))

    def by_cp_plan(self, queryset: QuerySet[Family], name: str, value: str) -> QuerySet[Family]:
        on_plan = Exists(
            Child.objects.filter(
                family=OuterRef("pk"), plan_type=PlanType.CP, left_household_on=None
            )
        )
        return queryset.filter(on_plan if value == "yes" else ~on_plan)

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


class _ManagersFilter(ListFilter):
    """The project and volunteer filters of a manager's list of visits (their choices
    are the projects this manager runs and the volunteers who worked in them)."""

    project = django_filters.ModelChoiceFilter(
        label="Project",
        field_name="match__family__project",
        queryset=Project.objects.none(),
        empty_label="All projects",
    )
    volunteer = django_filters.ChoiceFilter(
        label="Volunteer",
        field_name="match__volunteer",
        choices=[],
        empty_label="Any volunteer",
        widget=LongSelect,
    )

    def __init__(self, *args, projects, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["project"].queryset = projects
        self.filters["volunteer"].extra["choices"] = lambda: volunteer_choices(volunteers)


CONTACT = {"yes": True, "no": False}


class VisitFilter(_ManagersFilter):
    family = django_filters.CharFilter(
        label="Case reference",
        field_name="match__family__case_reference",
        lookup_expr="icontains",
    )
    contact = django_filters.ChoiceFilter(
        label="Contact made",
        choices=[("yes", "Yes: the family was seen"), ("no", "No: nobody was seen")],
        method="by_contact",
        empty_label="Either",
    )
    visited_from, visited_to = date_range("visited_on", "Visited from", "Visited to")
    sort = SortFilter(
        orders={
            "date": (("Date, oldest first", "Date, newest first"), ("visited_on", "start_time")),
            "family": ("Case", ("match__family__case_reference",)),
            "volunteer": (
                "Volunteer",
                ("match__volunteer__last_name", "match__volunteer__first_name"),
            ),
        },
        then=("-visited_on", "-pk"),
    )

    def by_contact(self, queryset: QuerySet[Visit], name: str, value: str) -> QuerySet[Visit]:
        return queryset.filter(contact_made=CONTACT[value])


class ClaimFilter(_ManagersFilter):
    """The mileage claims' filters. Unless another choice is made, only the claims not
    paid yet are listed: the page is first where claims are paid."""

    PAID = {"no": {"claim_paid_at": None}, "yes": {"claim_paid_at__isnull": False}, "any": {}}
    UNPAID = "no"

    paid = django_filters.ChoiceFilter(
        label="Paid",
        choices=[("no", "Not paid yet"), ("yes", "Paid"), ("any", "Paid or not")],
        method="by_paid",
        empty_label=None,
    )
    visited_from, visited_to = date_range("visited_on", "Visited from", "Visited to")
    sort = SortFilter(
        orders={
            "volunteer": (
                "Volunteer",
                ("match__volunteer__last_name", "match__volunteer__first_name"),
            ),
            "date": (("Date, oldest first", "Date, newest first"), ("visited_on",)),
            "miles": (("Miles, fewest first", "Miles, most first"), ("miles",)),
        },
        then=("visited_on", "pk"),
    )

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        data.setdefault("paid", self.UNPAID)
        super().__init__(data, *args, **kwargs)

    def by_paid(self, queryset: QuerySet[Visit], name: str, value: str) -> QuerySet[Visit]:
        return queryset.filter(**self.PAID[value])
