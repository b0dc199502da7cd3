from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from families.selectors import family_for_user
from families.services import may_plan
from vicp.forms import add_service_errors

from . import services
from .forms import StarReadingForm


def record_star_reading(request, pk):
    family = family_for_user(request.user, pk)
    if not may_plan(request.user, family):
        raise Http404("Only the family's volunteer or a project manager records readings.")
    form = StarReadingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_star_reading(
                family=family, by=request.user, request=request, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Family Star reading saved.")
            return redirect("families:detail", pk=family.pk)
    return render(
        request,
        "outcomes/star_reading_form.html",
        {"family": family, "form": form},
        status=400 if form.is_bound else 200,
    )
