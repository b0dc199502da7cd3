from django import template

from vicp.selectors import first_rows

from .. import selectors, services

register = template.Library()


@register.inclusion_tag("volunteers/_recruitment_summary.html", takes_context=True)
def recruitment_summary(context):
    user = context["request"].user
    overdue = sorted(selectors.supervision_overdue(user), key=lambda v: v.supervision_due_on)
    overdue, overdue_more = first_rows(overdue)
    renewals, renewals_more = first_rows(selectors.dbs_renewals(user))
    return {
        "stage_counts": selectors.stage_counts(selectors.volunteers_visible_to(user)),
        "supervision_overdue": overdue,
        "supervision_overdue_more": overdue_more,
        "dbs_renewals": renewals,
        "dbs_renewals_more": renewals_more,
    }


@register.inclusion_tag("volunteers/_my_record_summary.html", takes_context=True)
def my_record_summary(context):
    user = context["request"].user
    volunteer = selectors.own_volunteer_record(user)
    if volunteer is None:
        return {"volunteer": None}
    initial = [a for a in volunteer.training_attendances.all() if a.session.kind == "initial"]
    return {
        "volunteer": volunteer,
        "hours_done": sum((a.hours for a in initial), start=0),
        "hours_required": services.required_training_hours(),
        "next_supervision_due": services.next_supervision_due(
            volunteer, list(volunteer.supervisions.all())
        ),
    }


@register.filter
def hours(value):
    """17.50 → 17.5, 18.0 → 18."""
    return services.format_hours(value)
