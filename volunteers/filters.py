import django_filters
from django.db.models import Q

from vicp.forms import FilterForm
from vicp.models import Project

from .models import Stage, Volunteer


class VolunteerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    stage = django_filters.ChoiceFilter(choices=Stage.choices, empty_label="Any stage")
    project = django_filters.ModelChoiceFilter(
        queryset=Project.objects.none(), empty_label="All projects"
    )

    class Meta:
        form = FilterForm
        model = Volunteer
        fields = ["q", "stage", "project"]

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["project"].queryset = projects

    def search(self, queryset, name, value):
        for word in value.split()[:5]:
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(postcode__icontains=word)
            )
        return queryset
