import django_filters
from django import forms
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from vicp import postcodes
from vicp.listing import ListFilter, SortFilter, date_range
from vicp.models import Project

from . import selectors, services
from .models import Stage, TrainingSession, Volunteer

# At most this many words of a search count: more would only slow the query down.
MOST_WORDS = 5
DBS_CHOICES = [
    ("due", f"Renewal due (re-check within {services.DBS_RENEWAL_WINDOW_DAYS} days) or lapsed"),
    ("lapsed", "Lapsed (past its re-check date)"),
    ("30", "Re-check in the next 30 days"),
    ("90", "Re-check in the next 90 days"),
]


def _words(value: str) -> list[str]:
    # PostgreSQL cannot compare text with a NUL character in it.
    return value.replace("\x00", "").split()[:MOST_WORDS]


class VolunteerFilter(ListFilter):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        help_text="Name, email, postcode or a language spoken.",
    )
    languages = django_filters.CharFilter(
        label="Speaks", method="speaks", help_text="A language, for example Vietnamese."
    )
    stage = django_filters.ChoiceFilter(choices=Stage.choices, empty_label="Any stage")
    project = django_filters.ModelChoiceFilter(
        queryset=Project.objects.none(), empty_label="All projects"
    )
    district = django_filters.CharFilter(
        label="Postcode district",
        method="in_district",
        help_text="For example CB4; a whole postcode finds its district.",
    )
    available = django_filters.MultipleChoiceFilter(
        label="Available on (any of)",
        choices=Volunteer.Day.choices,
        method="available_on",
        widget=forms.CheckboxSelectMultiple,
    )
    dbs = django_filters.ChoiceFilter(
        label="DBS renewal", choices=DBS_CHOICES, empty_label="Any", method="dbs_renewal"
    )
    sort = SortFilter(
        empty_label="Longest at their stage first",
        orders={
            "name": (("Name, A to Z", "Name, Z to A"), ("last_name", "first_name")),
            "project": (("Project, A to Z", "Project, Z to A"), ("project__code",)),
            "stage": (("Stage, earliest first", "Stage, furthest first"), ("stage_position",)),
            "since": (
                ("At their stage longest", "At their stage newest"),
                ("stage_changed_at",),
            ),
            "applied": (("Applied, earliest first", "Applied, latest first"), ("applied_at",)),
            "dbs": (
                ("DBS re-check, soonest first", "DBS re-check, latest first"),
                (selectors.LATEST_DBS_ISSUED_ON,),
            ),
        },
    )

    class Meta(ListFilter.Meta):
        model = Volunteer
        fields = ["q", "languages", "stage", "project", "district", "available", "dbs", "sort"]

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["project"].queryset = projects

    def search(self, queryset: QuerySet[Volunteer], name: str, value: str) -> QuerySet[Volunteer]:
        for word in _words(value):
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(postcode__icontains=word)
                | Q(languages__icontains=word)
            )
        return queryset

    def speaks(self, queryset: QuerySet[Volunteer], name: str, value: str) -> QuerySet[Volunteer]:
        for word in _words(value.replace(",", " ")):
            queryset = queryset.filter(languages__icontains=word)
        return queryset

    def in_district(
        self, queryset: QuerySet[Volunteer], name: str, value: str
    ) -> QuerySet[Volunteer]:
        district = postcodes.district(value.replace("\x00", ""))
        if not district:
            return queryset
        return queryset.alias(_district=postcodes.district_sql("postcode")).filter(
            _district=district
        )

    def available_on(
        self, queryset: QuerySet[Volunteer], name: str, value: list[str]
    ) -> QuerySet[Volunteer]:
        # The days are a JSON list of codes (["mon", "sat"]); as text, each is in quotes
        # on every database.
        days = Q()
        for day in value:
            days |= Q(_days__contains=f'"{day}"')
        return queryset.alias(_days=Cast("availability_days", TextField())).filter(days)

    def dbs_renewal(
        self, queryset: QuerySet[Volunteer], name: str, value: str
    ) -> QuerySet[Volunteer]:
        if value == "due":
            return selectors.dbs_renewal_due(queryset)
        if value == "lapsed":
            return selectors.dbs_lapsed(queryset)
        return selectors.dbs_recheck_within(queryset, int(value))


class TrainingSessionFilter(ListFilter):
    q = django_filters.CharFilter(
        label="Title contains", field_name="title", lookup_expr="icontains"
    )
    kind = django_filters.ChoiceFilter(choices=TrainingSession.Kind.choices, empty_label="Any kind")
    project = django_filters.ModelChoiceFilter(
        queryset=Project.objects.none(), empty_label="All projects"
    )
    held_from, held_to = date_range("held_on", "Held from", "Held to")
    sort = SortFilter(
        orders={
            "date": (("Date, oldest first", "Date, newest first"), ("held_on",)),
            "title": ("Title", ("title",)),
            "attended": (("Attended, fewest first", "Attended, most first"), ("attended",)),
        }
    )

    class Meta(ListFilter.Meta):
        model = TrainingSession
        fields: list[str] = []

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["project"].queryset = projects
