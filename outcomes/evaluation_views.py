"""Evaluations: forms for the social worker and the volunteer, and the family's link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from families.models import Family
from families.selectors import families_visible_to, family_for_user
from vicp import drafts
from vicp.audit import client_ip
from vicp.forms import add_service_errors
from vicp.http import over_hourly_limit
from vicp.models import User
from vicp.permissions import audit_refusal, role_required

from . import family_links, policy, services
from .forms import EvaluationForm
from .models import Questionnaire, Respondent
from .selectors import evaluations_visible_to, family_worked_with

MANAGERS = (User.Role.PROJECT_MANAGER, User.Role.ADMIN)
# The evaluations given with an account; the family's comes through its link.
STAFF_RESPONDENTS = (Respondent.SOCIAL_WORKER, Respondent.VOLUNTEER)
# Answers sent to family links from one address per hour: room for a family who
# needs a few tries, too few for anyone trying links.
FAMILY_POSTS_PER_HOUR = 10
# A used link thanks the family; the others explain and point to the project.
PROBLEM_STATUS = {"used": 200, "expired": 410, "replaced": 410, "invalid": 404}


def _family_to_evaluate(user, pk, respondent):
    """The family whose `respondent` evaluation `user` may give; 404 (audited) otherwise.

    A volunteer reaches the families they had a match with, the ended ones included:
    the evaluation looks back on the work, though the family page is closed to them.
    """
    if respondent not in STAFF_RESPONDENTS:
        raise Http404("No such evaluation.")
    family = family_worked_with(user, pk) if user.is_volunteer else family_for_user(user, pk)
    if not policy.may_evaluate(user, family, respondent):
        audit_refusal(user, Family, pk, "project")
        raise Http404("No such evaluation.")
    return family


def evaluate(request, pk, respondent):
    user = request.user
    family = _family_to_evaluate(user, pk, respondent)
    questionnaire = Questionnaire.objects.get(respondent=respondent)
    context = {
        "family": family,
        "questionnaire": questionnaire,
        "respondent": respondent,
        "label": Respondent(respondent).label,
        # The volunteer of an ended match sees nothing of the family but its reference.
        "shows_family": families_visible_to(user).filter(pk=family.pk).exists(),
        # A manager may enter someone else's evaluation, from a paper form say.
        "on_behalf": not _gives_own(user, respondent),
    }
    if not family.matches.exists() or family.matches.filter(ended_on=None).exists():
        context["not_yet"] = True
        return render(request, "outcomes/evaluation_form.html", context)
    given = family.evaluations.filter(respondent=respondent).select_related("submitted_by").first()
    if given is not None:
        context["given"] = given
        context["given_visible"] = evaluations_visible_to(user, family).filter(pk=given.pk).exists()
        return render(request, "outcomes/evaluation_form.html", context)
    form = EvaluationForm(
        request.POST if request.method == "POST" else None, questionnaire=questionnaire
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_evaluation(
                family=family,
                respondent=respondent,
                answers=form.answers(),
                by=user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            drafts.saved(request, "evaluation", family.pk, respondent)
            if context["on_behalf"]:
                messages.success(request, f"The {respondent_phrase(respondent)} is saved.")
            else:
                messages.success(
                    request,
                    f"Thank you: your evaluation of case {family.case_reference} is saved.",
                )
            if context["shows_family"]:
                return redirect(_evaluations_url(family))
            return redirect("vicp:home")
    context["form"] = form
    return render(
        request,
        "outcomes/evaluation_form.html",
        context,
        status=400 if form.errors else 200,
    )


def _gives_own(user, respondent):
    return (respondent == Respondent.SOCIAL_WORKER and user.is_social_worker) or (
        respondent == Respondent.VOLUNTEER and user.is_volunteer
    )


def _evaluations_url(family):
    return reverse("families:outcomes", args=[family.pk]) + "#evaluations"


def respondent_phrase(respondent):
    """ "social worker's evaluation", "volunteer's evaluation", "family's evaluation"."""
    return f"{Respondent(respondent).label.lower()}'s evaluation"


@require_POST
@role_required(*MANAGERS)
def family_evaluation_link(request, pk):
    """Make the family's link and show it once: it is not kept anywhere it can be read."""
    family = family_for_user(request.user, pk)
    try:
        url = services.family_evaluation_link(family, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_evaluations_url(family))
    return render(
        request,
        "outcomes/family_evaluation_link.html",
        {
            "family": family,
            "url": url,
            "link": family_links.current_family_link(family),
            "valid_days": family_links.FAMILY_LINK_DAYS,
        },
    )


@require_POST
@role_required(*MANAGERS)
def email_family_evaluation_link(request, pk):
    family = family_for_user(request.user, pk)
    try:
        address = services.email_family_evaluation_link(family, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The link is being emailed to the family at {address}.")
    return redirect(_evaluations_url(family))


# --- The family's own pages: public, and they show nothing but the form --------------------


def rate_limit_key(ip):
    return f"vicp:outcomes:family_evaluation:{ip or 'unknown'}"


def _rate_limited(request):
    return over_hourly_limit(rate_limit_key(client_ip(request)), FAMILY_POSTS_PER_HOUR)


def _public(response):
    # The token in the address is the family's key: no Referer carries it, not even to
    # our own static files (the site-wide same-origin policy would send the whole
    # address). Not "no-referrer": Chromium then sends "Origin: null" with the form,
    # which Django's CSRF check rightly refuses.
    response["Referrer-Policy"] = "strict-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_not_required
@never_cache
def family_evaluation(request, token):
    posted = request.method == "POST"
    limited = posted and _rate_limited(request)
    link, problem = family_links.link_from_token(token)
    if problem is not None:
        return _problem_page(request, "limited" if limited else problem)
    questionnaire = Questionnaire.objects.get(respondent=Respondent.FAMILY)
    form = EvaluationForm(request.POST if posted else None, questionnaire=questionnaire)
    if posted and not limited and form.is_valid():
        try:
            services.submit_evaluation(
                family=link.family,
                respondent=Respondent.FAMILY,
                answers=form.answers(),
                link=link,
            )
        except ValidationError as error:
            # Answered through another tab or a newer link meanwhile?
            _, problem = family_links.link_from_token(token)
            if problem is not None:
                return _problem_page(request, problem)
            add_service_errors(form, error)
        else:
            return _public(redirect("outcomes:family_evaluation_thanks"))
    return _public(
        render(
            request,
            "outcomes/family_evaluation.html",
            {"form": form, "questionnaire": questionnaire, "limited": limited},
            status=429 if limited else 400 if form.errors else 200,
        )
    )


def _problem_page(request, problem):
    return _public(
        render(
            request,
            "outcomes/family_evaluation_problem.html",
            {"problem": problem, "valid_days": family_links.FAMILY_LINK_DAYS},
            status=429 if problem == "limited" else PROBLEM_STATUS[problem],
        )
    )


@login_not_required
def family_evaluation_thanks(request):
    return _public(render(request, "outcomes/family_evaluation_thanks.html"))
