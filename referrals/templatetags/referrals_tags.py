from django import template

from families.selectors import families_visible_to

from ..selectors import decision_queue, referrals_visible_to

register = template.Library()


@register.inclusion_tag("referrals/_queue_summary.html", takes_context=True)
def referral_queue_summary(context):
    queue = decision_queue(context["request"].user)
    return {"waiting": queue.count(), "oldest": queue.first()}


@register.inclusion_tag("referrals/_social_worker_summary.html", takes_context=True)
def social_worker_summary(context):
    user = context["request"].user
    return {
        "referrals": referrals_visible_to(user).order_by("-created_at", "-pk")[:5],
        "families": families_visible_to(user).order_by("-accepted_on", "-pk")[:10],
    }
