import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Referral, ReferralChild
from .services import compact_postcode, compact_postcode_sql


class ReferralFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        help_text="Family name, child's name, postcode, referral number or case reference.",
    )
    status = django_filters.ChoiceFilter(choices=Referral.Status.choices, empty_label="Any status")

    class Meta:
        model = Referral
        fields = ["q", "status"]

    def search(self, queryset: QuerySet[Referral], name: str, value: str) -> QuerySet[Referral]:
        queryset = queryset.annotate(_compact_postcode=compact_postcode_sql("postcode"))
        for word in value.split()[:5]:
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
            if word.isascii() and word.isdigit() and len(word) < 10:
                matches |= Q(pk=int(word))
            queryset = queryset.filter(matches)
        return queryset
