"""What each person may see of family cases."""

from django.db.models import Count

from vicp.permissions import get_object_for_user, visible_to

from .models import Family


def families_visible_to(user):
    """Managers: their projects' families. Social workers: the families they referred.
    Volunteers: the family of their active match (granted by the matching service)."""
    return visible_to(
        user,
        Family.objects.select_related("project", "level_of_need"),
        "families.view_family",
    )


def family_list(user):
    return (
        families_visible_to(user)
        .annotate(child_count=Count("children"))
        .order_by("status", "-accepted_on", "-pk")
    )


def family_for_user(user, pk):
    return get_object_for_user(
        user,
        families_visible_to(user).prefetch_related(
            "children__cp_category",
            "needs",
            "risks",
            "status_changes__by",
            "referral__status_changes__by",
        ),
        pk,
        "families.view_family",
    )
