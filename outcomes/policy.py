"""Who may see and record a family's outcomes: each rule defined once.

Risk reviews hold the level of need and each child's plan, which a volunteer never sees;
measures and the Family Star are part of the volunteer's work with the family.
"""

from django.contrib.auth.models import AnonymousUser

from families.models import Family
from families.policy import (
    has_worked_with,
    is_matched_volunteer,
    is_referring_social_worker,
    manages_family,
    may_plan,
)
from vicp.models import User

from .models import Respondent, RiskReview


def may_see_risk_reviews(user: User, family: Family) -> bool:
    """The family's managers and the social worker who referred it; never a volunteer."""
    return manages_family(user, family) or is_referring_social_worker(user, family)


def may_record_risk_reviews(user: User, family: Family) -> bool:
    return manages_family(user, family)


def may_see_measures(user: User, family: Family) -> bool:
    """Those who see risk reviews, and the volunteer working with the family now."""
    return may_see_risk_reviews(user, family) or is_matched_volunteer(user, family)


def may_record_star_readings(user: User, family: Family) -> bool:
    """The Family Star is scored with the family by its volunteer, or by a manager."""
    return may_plan(user, family)


def may_record_measures(user: User, family: Family) -> bool:
    """Measures are taken with the family, as the Family Star is."""
    return may_plan(user, family)


def may_request_case_closure_report(user: User, family: Family) -> bool:
    """The family's managers, or the social worker who referred it (a closure report holds
    the referral, concerns and evaluations, none of which a volunteer may see)."""
    return manages_family(user, family) or is_referring_social_worker(user, family)


def may_evaluate(user: User | AnonymousUser | None, family: Family, respondent: str) -> bool:
    """Whether `user` may submit the `respondent` evaluation of `family` (the family's own
    comes through its link, without an account)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if respondent == Respondent.FAMILY:
        return False
    if manages_family(user, family):
        return True  # entering a form that came back on paper
    if respondent == Respondent.SOCIAL_WORKER:
        return is_referring_social_worker(user, family)
    if respondent == Respondent.VOLUNTEER:
        # Also after the match has ended: the evaluation looks back on it.
        return has_worked_with(user, family)
    return False


def has_closure_review(family: Family) -> bool:
    """The family's risk review at closure is recorded."""
    return family.risk_reviews.filter(stage=RiskReview.Stage.CLOSURE).exists()


def closure_problems(family: Family, *, missing_reason: str) -> dict[str, str]:
    """What outcomes asks of a case before it closes ({form field: message}): its
    closure risk review, or why it could not be done, never both."""
    if has_closure_review(family):
        if missing_reason:
            return {
                "missing_reason": "The closure risk review is recorded: no reason for its "
                "absence is needed."
            }
        return {}
    if not missing_reason:
        return {
            "missing_reason": "Record the closure risk review before closing the case, or "
            "say why it could not be done."
        }
    return {}
