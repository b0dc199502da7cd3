"""The closing checklist of a case: what families and outcomes hold about its end, item by
item, each done (with its dates) or with a link to do it."""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import dateformat, timezone

from families.models import Family
from outcomes import selectors as outcome_selectors


@dataclass
class Item:
    label: str
    done: bool
    detail: str
    link: str = ""
    link_text: str = ""
    required: bool = False
    field: str = ""  # the form field that answers for this item when it is not done
    key: str = ""


def _day(value) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return dateformat.format(value, "j M Y")


def _percent(value) -> str:
    return f"{value.normalize():f}%" if value is not None else "attendance not recorded"


def closure_checklist(family: Family) -> list[Item]:
    records = outcome_selectors.closure_records(family)
    page = reverse("families:detail", args=[family.pk])
    items = []

    review = records["closure_review"]
    if review:
        children = "; ".join(
            f"{row['child'].first_name}: {row['plan']}, {_percent(row['attendance'])}"
            for row in records["closure_statuses"]
        )
        detail = f"Recorded for {_day(review.reviewed_on)}: level of need {review.level_of_need}"
        detail += f"; {children}." if children else "."
    else:
        detail = (
            "Not recorded. Record the level of need and each child's plan and school "
            "attendance, or say below why it could not be done."
        )
    items.append(
        Item(
            "Closure risk review",
            review is not None,
            detail,
            reverse("outcomes:record_risk_review", args=[family.pk]) + "?stage=closure",
            "Record the closure risk review",
            required=True,
            field="missing_reason",
            key="review",
        )
    )

    star = records["end_star"]
    items.append(
        Item(
            "End Family Star reading",
            star is not None,
            f"Taken on {_day(star.taken_on)}." if star else "Not taken.",
            reverse("outcomes:record_star_reading", args=[family.pk]) + "?stage=end",
            "Record the end reading",
        )
    )

    measures = records["end_measures"]
    if measures:
        last = max(entry.taken_on for entry in measures)
        count = len(measures)
        detail = f"{count} end score{'s' if count != 1 else ''}, the last taken on {_day(last)}."
    else:
        detail = "No end scores recorded."
    items.append(
        Item(
            "End measures",
            bool(measures),
            detail,
            reverse("outcomes:record_measure", args=[family.pk]) + "?stage=end",
            "Record end measures",
        )
    )

    active = family.matches.filter(ended_on=None).select_related("volunteer").first()
    last = family.matches.exclude(ended_on=None).order_by("-ended_on", "-pk").first()
    if active:
        detail = (
            f"{active.volunteer.full_name} has worked with the family since "
            f"{_day(active.started_on)}. End the match before the case closes."
        )
    elif last:
        detail = f"Ended on {_day(last.ended_on)} ({last.get_end_reason_display().lower()})."
    else:
        detail = "No volunteer was matched with the family."
    items.append(
        Item(
            "The match has ended",
            active is None,
            detail,
            page + "#manage-heading",
            "End the match on the case page",
            required=True,
            key="match",
        )
    )

    if not records["has_worked"]:
        items.append(
            Item(
                "Evaluations requested",
                True,
                "No volunteer worked with the family: there is no work to evaluate.",
            )
        )
    else:
        received = [
            f"{label}'s received {_day(at)}" for label, at in records["evaluations_received"]
        ]
        link = records["family_link"]
        family_asked = records["family_evaluated"] or link is not None
        parts = ["The social worker and the volunteer are asked when the case closes"]
        if link is not None and not records["family_evaluated"]:
            parts.append(f"the family's link was made on {_day(link.created_at)}")
        elif not family_asked:
            parts.append("the family has not been sent a link yet")
        parts += received
        items.append(
            Item(
                "Evaluations requested",
                family_asked,
                "; ".join(parts) + ".",
                reverse("families:outcomes", args=[family.pk]) + "#evaluations",
                "Make the family's evaluation link on the case page",
            )
        )
    return items
