import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet

from vicp.forms import DateInput
from vicp.listing import ListFilter, SortFilter
from vicp.models import Project

from .models import Referral, ReferralChild
from .services import compact_postcode, compact_postcode_sql


class ReferralFilter(ListFilter):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        help_text="Family name, child's name, postcode, referral number or case reference.",
    )
    status = django_filters.ChoiceFilter(choices=Referral.Status.choices, empty_label="Any status")
    project = django_filters.ModelChoiceFilter(
        queryset=Project.objects.none(), empty_label="All projects"
    )
    received_from = django_filters.DateFilter(
        label="Received from",
        field_name="submitted_at",
        lookup_expr="date__gte",
        widget=DateInput(),
    )
    received_to = django_filters.DateFilter(
        label="Received to",
        field_name="submitted_at",
        lookup_expr="date__lte",
        widget=DateInput(),
    )
    sort = SortFilter(
        empty_label="Newest first",
        orders={
            "number": (
                ("Referral number, lowest first", "Referral number, highest first"),
                ("pk",),
            ),
            "received": (("Received, oldest first", "Received, newest first"), ("submitted_at",)),
            # Waiting longest is received first; decided referrals are not waiting.
            "waiting": (
                ("Days waiting, fewest first", "Days waiting, most first"),
                ("-waiting_since",),
            ),
            "status": ("Status", ("status_position",)),
        },
    )

    class Meta(ListFilter.Meta):
        model = Referral
        fields = ["q", "status", "project", "received_from", "received_to", "sort"]

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["project"].queryset = projects

    def search(self, queryset: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
        queryset = queryset.annotate(_compact_postcode=compact_postcode_sql("postcode"))
        # PostgreSQL cannot compare text with a NUL character in it.
        for word in value.replace("\x00", "").split()[:5]:
            if word.isascii() and word.isdigit():
                # A number is a referral's, or the end of a case reference (CAM-2026-0042).
                matches = Q(family__case_reference__endswith=f"-{word}")
                if len(word) < 10:
                    matches |= Q(pk=int(word))
            else:
                matches = (
                    Q(family_name__icontains=word)
                    | Q(family__case_reference__icontains=word)
                    | Q(_compact_postcode__contains=compact_postcode(word))
                    | Exists(
                        ReferralChild.objects.filter(referral=OuterRef("pk")).filter(
                            Q(first_name__icontains=word) | Q(last_name__icontains=word)
                        )
                    )
                )
            queryset = queryset.filter(matches)
        return queryset
