"""Visits: how many each match gets, and each visit's day, length, contact, notes,
mileage and the occasional safeguarding concern."""

import datetime

from bench.seed import vocabulary as words
from bench.seed.plan import ConcernPlan, VisitPlan


def allocate_visits(draws, matches, total_visits):
    """`total_visits` in all, shared between matches by their length (one or two a week)."""
    weights = []
    for match in matches:
        end = match.ended_on or draws.today
        weeks = max((end - match.started_on).days / 7, 0.3)
        weights.append(weeks * draws.rng.uniform(0.9, 1.6))
    total = sum(weights)
    if not total:
        return
    shares = [total_visits * w / total for w in weights]
    counts = [int(share) for share in shares]
    remainder = total_visits - sum(counts)
    by_fraction = sorted(range(len(shares)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_fraction[:remainder]:
        counts[i] += 1
    for match, count in zip(matches, counts, strict=True):
        match.visit_count = count


def plan_visits(draws, match):
    """The match's `visit_count` visits, oldest first."""
    rng, days, today = draws.rng, draws.days, draws.today
    last_day = min(match.ended_on or today, today)
    span = (last_day - match.started_on).days
    offsets = sorted(rng.randint(0, span) for _ in range(match.visit_count))
    visits = []
    for n, offset in enumerate(offsets):
        day = match.started_on + datetime.timedelta(days=offset)
        contact = rng.random() < 0.88
        medium = rng.choices(["in_person", "phone", "video"], weights=[85, 10, 5])[0]
        if medium == "in_person":
            place = rng.choices(
                ["home", "school", "appointment", "community"], weights=[70, 10, 12, 8]
            )[0]
            duration = (
                min(max(int(rng.gauss(120, 35)), 30), 300) if contact else rng.randint(15, 30)
            )
            miles = rng.randint(1, 25) if rng.random() < 0.6 else None
        else:
            place, duration, miles = "remote", rng.randint(15, 60), None
        draft = (
            match.ended_on is None
            and n == len(offsets) - 1
            and (today - day).days <= 10
            and rng.random() < 0.3
        )
        start_time = datetime.time(rng.randint(9, 17), rng.choice([0, 15, 30, 45]))
        paid = miles and not draft and (today - day).days > 45 and rng.random() < 0.97
        notes = rng.choice(words.VISIT_NOTES) if contact else words.NO_CONTACT_NOTE
        engagement = (
            rng.choices([1, 2, 3, 4, 5], weights=[5, 10, 30, 35, 20])[0]
            if contact and not (draft and rng.random() < 0.5)
            else None
        )
        paid_on = min(day + days(20, 40), today) if paid else None
        activities = (
            rng.sample(draws.reference.activities, rng.choice([1, 1, 2, 2, 3])) if contact else []
        )
        concern = None
        if contact and not draft and rng.random() < 0.006:
            closed_on = day + days(1, 10)
            still_open = closed_on > today or ((today - day).days < 45 and rng.random() < 0.5)
            details = rng.choice(words.CONCERNS)
            concern = ConcernPlan(
                details=details,
                follow_up="" if still_open else rng.choice(words.FOLLOW_UPS),
                closed_on=None if still_open else closed_on,
            )
        visits.append(
            VisitPlan(
                visited_on=day,
                start_time=start_time,
                duration_minutes=duration,
                contact_made=contact,
                medium=medium,
                place=place,
                notes=notes,
                engagement=engagement,
                miles=miles,
                draft=draft,
                paid_on=paid_on,
                activities=activities,
                concern=concern,
            )
        )
    return visits
