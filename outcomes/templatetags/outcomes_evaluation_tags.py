"""End-of-work evaluations on the family page and on home pages."""

from django import template

from families.models import Family
from vicp.permissions import manages

from ..models import Respondent
from ..selectors import evaluations_awaiting, evaluations_awaiting_count, evaluations_visible_to
from ..services import current_family_link, may_evaluate

register = template.Library()

# Rows listed on a manager's home page; the rest are counted.
AWAITING_SHOWN = 25


@register.filter
def evaluation_answer(value):
    """A rating reads "4 out of 5"; text is shown as given."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value} out of 5"
    return value


def _work_state(family):
    """(has had a volunteer, the work with volunteers has ended)."""
    ended = [match.ended_on for match in family.matches.all()]  # prefetched on the page
    return bool(ended), bool(ended) and all(ended)


@register.inclusion_tag("outcomes/_family_evaluations.html", takes_context=True)
def family_evaluations(context):
    """The family page's evaluations: the ones this user may read, the ones they may give,
    and for managers the family's link and what is missing."""
    family = context["family"]
    user = context["request"].user
    has_worked, work_ended = _work_state(family)
    readable = {e.respondent: e for e in evaluations_visible_to(user, family)}
    received = dict(family.evaluations.values_list("respondent", "submitted_at"))
    is_manager = manages(user, family.project)
    # A volunteer reads and gives only their own; the others see all three.
    shown = [Respondent.VOLUNTEER] if user.is_volunteer else list(Respondent)
    rows = []
    for respondent in shown:
        evaluation = readable.get(respondent)
        rows.append(
            {
                "respondent": respondent.value,
                "label": respondent.label,
                "evaluation": evaluation,
                "answers": evaluation.rows() if evaluation else [],
                "received_at": received.get(respondent.value),
                "may_give": work_ended
                and respondent.value not in received
                and respondent != Respondent.FAMILY
                and may_evaluate(user, family, respondent.value),
                "own": (respondent == Respondent.SOCIAL_WORKER and user.is_social_worker)
                or (respondent == Respondent.VOLUNTEER and user.is_volunteer),
            }
        )
    family_missing = Respondent.FAMILY.value not in received
    return {
        "family": family,
        "rows": rows,
        "has_worked": has_worked,
        "work_ended": work_ended,
        "is_manager": is_manager,
        "may_make_link": is_manager and work_ended and family_missing,
        "current_link": current_family_link(family) if is_manager and family_missing else None,
        "missing": [label for value, label in Respondent.choices if value not in received]
        if has_worked and family.status == Family.Status.CLOSED
        else [],
    }


@register.inclusion_tag("outcomes/_evaluations_due_alert.html", takes_context=True)
def evaluations_due_alert(context):
    """At the top of a closed case: the evaluations still to come, for whoever is asked
    (managers: any of the three; the referring social worker: their own)."""
    family = context["family"]
    user = context["request"].user
    if family.status != Family.Status.CLOSED or user.is_volunteer:
        return {"missing": []}
    has_worked, _ = _work_state(family)
    if not has_worked:
        return {"missing": []}
    received = set(family.evaluations.values_list("respondent", flat=True))
    if manages(user, family.project):
        missing = [label for value, label in Respondent.choices if value not in received]
        return {"family": family, "missing": missing, "for_manager": True}
    if Respondent.SOCIAL_WORKER not in received and may_evaluate(
        user, family, Respondent.SOCIAL_WORKER
    ):
        return {"family": family, "missing": [Respondent.SOCIAL_WORKER.label], "for_manager": False}
    return {"missing": []}


@register.inclusion_tag("outcomes/_evaluations_awaiting.html", takes_context=True)
def evaluations_awaiting_panel(context):
    """Home page: the evaluations this user is asked for (a constant number of queries)."""
    user = context["request"].user
    rows = evaluations_awaiting(user, limit=AWAITING_SHOWN)
    more = evaluations_awaiting_count(user) - len(rows)  # always asked: constant queries
    return {"rows": rows, "more": more, "role": user.role}
