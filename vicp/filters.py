"""The filters of the kernel's own lists."""

import django_filters
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Q, QuerySet

from .listing import ListFilter, SortFilter
from .models import Project, ProjectUserObjectPermission, User


class SocialWorkerFilter(ListFilter):
    q = django_filters.CharFilter(
        label="Search", method="search", help_text="Name, email, local authority or team."
    )
    project = django_filters.ModelChoiceFilter(
        label="Project",
        queryset=Project.objects.none(),
        method="by_project",
        empty_label="All projects",
    )
    account = django_filters.ChoiceFilter(
        label="Account",
        choices=[("active", "Active"), ("invited", "Invited, password not set yet")],
        method="by_account",
        empty_label="Active or invited",
    )
    sort = SortFilter(
        orders={
            "name": ("Name", ("last_name", "first_name")),
            "organisation": ("Local authority", ("organisation", "team")),
        }
    )

    class Meta(ListFilter.Meta):
        model = User
        fields: list[str] = []

    def __init__(self, *args, projects: QuerySet[Project], **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["project"].queryset = projects

    def search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        for word in value.replace("\x00", "").split()[:5]:
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(organisation__icontains=word)
                | Q(team__icontains=word)
            )
        return queryset

    def by_project(self, queryset: QuerySet[User], name: str, value: Project) -> QuerySet[User]:
        return queryset.filter(
            pk__in=ProjectUserObjectPermission.objects.filter(
                content_object=value, permission__codename="refer_to_project"
            ).values("user")
        )

    def by_account(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        # An invitation not taken up yet leaves the account with an unusable password.
        invited = Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        return queryset.filter(invited if value == "invited" else ~invited)
