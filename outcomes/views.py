from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from families.selectors import family_for_user
from vicp import drafts
from vicp.forms import add_service_errors

from . import policy, services
from .forms import MeasureScoreForm, RiskReviewForm, StarReadingForm


def record_star_reading(request, pk):
    family = family_for_user(request.user, pk)
    if not policy.may_record_star_readings(request.user, family):
        raise Http404("Only the family's volunteer or a project manager records readings.")
    # The closing checklist links here for the end reading.
    initial = {"stage": request.GET["stage"]} if request.GET.get("stage") == "end" else {}
    form = StarReadingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_star_reading(family=family, by=request.user, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            drafts.saved(request, "star-reading", family.pk)
            messages.success(request, "Family Star reading saved.")
            return redirect("families:outcomes", pk=family.pk)
    return render(
        request,
        "outcomes/star_reading_form.html",
        {"family": family, "form": form},
        status=400 if form.is_bound else 200,
    )


def record_risk_review(request, pk):
    family = family_for_user(request.user, pk)
    if not policy.may_record_risk_reviews(request.user, family):
        raise Http404("Only the family's project managers record risk reviews.")
    # The closing checklist links here for the closure review.
    initial = {"stage": request.GET["stage"]} if request.GET.get("stage") == "closure" else {}
    form = RiskReviewForm(request.POST or None, family=family, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.record_risk_review(
                family=family, by=request.user, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            drafts.saved(request, "risk-review", family.pk)
            messages.success(request, f"Risk review saved: {review.get_stage_display().lower()}.")
            return redirect(reverse("families:outcomes", args=[family.pk]) + "#risk-heading")
    return render(
        request,
        "outcomes/risk_review_form.html",
        {"family": family, "form": form},
        status=400 if form.is_bound else 200,
    )


def record_measure(request, pk):
    family = family_for_user(request.user, pk)
    if not policy.may_record_measures(request.user, family):
        raise Http404("Only the family's volunteer or a project manager records measures.")
    # "Save and record another" comes back here with the same stage and date.
    initial = {key: request.GET[key] for key in ("stage", "taken_on") if request.GET.get(key)}
    form = MeasureScoreForm(request.POST or None, family=family, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.record_measure(
                family=family, by=request.user, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            drafts.saved(request, "measure", family.pk)
            who = entry.child.first_name if entry.child else entry.parent
            messages.success(
                request,
                f"{entry.measure.name} saved: {who}, {entry.get_stage_display().lower()}, "
                f"score {entry.score}.",
            )
            if "another" in request.POST:
                query = urlencode({"stage": entry.stage, "taken_on": entry.taken_on.isoformat()})
                return redirect(f"{reverse('outcomes:record_measure', args=[family.pk])}?{query}")
            return redirect(reverse("families:outcomes", args=[family.pk]) + "#measures-heading")
    return render(
        request,
        "outcomes/measure_form.html",
        {"family": family, "form": form},
        status=400 if form.is_bound else 200,
    )
