from django.core.paginator import Paginator
from django.shortcuts import render

from vicp.models import User
from vicp.permissions import role_required

from . import selectors

PER_PAGE = 25


@role_required(User.Role.PROJECT_MANAGER, User.Role.ADMIN, User.Role.SOCIAL_WORKER)
def family_list(request):
    page = Paginator(selectors.family_list(request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "families/family_list.html", {"page": page})


def detail(request, pk):
    family = selectors.family_for_user(request.user, pk)
    timeline = sorted(
        [
            *(("Referral", change) for change in family.referral.status_changes.all()),
            *(("Case", change) for change in family.status_changes.all()),
        ],
        key=lambda item: (item[1].at, item[1].pk),
        reverse=True,
    )
    return render(
        request,
        "families/family_detail.html",
        {"family": family, "timeline": timeline, "referral": family.referral},
    )
