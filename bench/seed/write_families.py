"""Families accepted from the referrals, with their children, case reference counters
and history of status; their matches; the visits and the concerns raised in them;
and the object permissions the services grant on the way."""

import datetime

from families.models import (
    CaseReferenceCounter,
    Child,
    Concern,
    ConcernOutcome,
    Family,
    FamilyStatusChange,
    FamilyUserObjectPermission,
    Match,
    Visit,
)

# The hour of the day each change of a family's status is recorded at.
STATUS_HOURS = {"awaiting_match": 11, "matched": 13, "closed": 16}
MATCH_ENDED_HOUR = 12
VISITS_LOGGED_EVERY = 50000  # the progress line while writing visits


def write_families(plan, writer):
    writer.log("Writing families...")
    families = plan.families
    writer.write(Family, [family_row(family, writer) for family in families], plans=families)
    writer.write(
        CaseReferenceCounter,
        sorted(
            (
                CaseReferenceCounter(project_id=writer.row(p).pk, year=year, last_number=n)
                for p in plan.projects
                for year, n in p.case_numbers.items()
            ),
            key=lambda counter: (counter.project_id, counter.year),
        ),
    )
    children, child_plans, needs, risks, changes, permissions = [], [], [], [], [], []
    view = writer.permission("families.view_family")
    for family in families:
        model, referral = writer.row(family), family.referral
        for child, plan_type in zip(family.children, family.plan_types(), strict=True):
            children.append(
                Child(
                    family=model,
                    first_name=child.first_name,
                    last_name=child.last_name,
                    date_of_birth=child.born,
                    plan_type=plan_type,
                    cp_category_id=child.cp_category,
                )
            )
            child_plans.append(child)
        needs += [
            Family.needs.through(family_id=model.pk, need_id=need.pk) for need in referral.needs
        ]
        risks += [
            Family.risks.through(family_id=model.pk, riskkind_id=risk) for risk in referral.risks
        ]
        changes.extend(status_changes(family, writer))
        if referral.social_worker:
            permissions.append(
                FamilyUserObjectPermission(
                    permission=view,
                    user=writer.row(referral.social_worker),
                    content_object=model,
                )
            )
    writer.write(Child, children, plans=child_plans)
    writer.write(Family.needs.through, needs)
    writer.write(Family.risks.through, risks)
    writer.write(FamilyStatusChange, changes)
    writer.write(FamilyUserObjectPermission, permissions)


def family_row(family, writer):
    referral = family.referral
    details = referral.details
    return Family(
        project=writer.row(family.project),
        referral=writer.row(referral),
        case_reference=family.case_reference,
        status=family.status,
        family_name=referral.family_name,
        parents_carers=details["parents_carers"],
        address=details["address"],
        postcode=details["postcode"],
        phone=details["phone"],
        languages=details["languages"],
        level_of_need_id=writer.reference.levels[family.level],
        hopes=details["hopes"],
        risk_details=details["risk_details"],
        consent_given=True,
        accepted_on=family.accepted_on,
        closed_on=family.closed_on,
        created_at=writer.at(family.accepted_on, 11, 1),
    )


def status_changes(family, writer):
    model, manager = writer.row(family), writer.row(family.project.manager)

    def change(from_status, to_status, day, reason=""):
        hour = MATCH_ENDED_HOUR if from_status == "matched" else STATUS_HOURS[to_status]
        return FamilyStatusChange(
            family=model,
            from_status=from_status,
            to_status=to_status,
            by=manager,
            at=writer.at(day, hour, 2),
            reason=reason,
        )

    rows = [change("", "awaiting_match", family.accepted_on)]
    for match in family.matches:
        rows.append(change("awaiting_match", "matched", match.started_on))
        if match.ended_on:
            label = Match.EndReason(match.end_reason).label
            rows.append(change("matched", "awaiting_match", match.ended_on, label))
    if family.closed_on:
        rows.append(change("awaiting_match", "closed", family.closed_on, family.close_reason))
    return rows


def write_matches(plan, writer):
    writer.log("Writing matches...")
    matches = plan.matches
    writer.write(
        Match,
        [
            Match(
                family=writer.row(match.family),
                volunteer=writer.row(match.volunteer),
                started_on=match.started_on,
                ended_on=match.ended_on,
                end_reason=match.end_reason if match.ended_on else "",
                started_by=writer.row(match.family.project.manager),
                ended_by=writer.row(match.family.project.manager) if match.ended_on else None,
            )
            for match in matches
        ],
        plans=matches,
    )
    # A volunteer sees the family of their active match, and only while it lasts.
    view = writer.permission("families.view_family")
    writer.write(
        FamilyUserObjectPermission,
        [
            FamilyUserObjectPermission(
                permission=view,
                user=writer.row(m.volunteer.user),
                content_object=writer.row(m.family),
            )
            for m in matches
            if m.ended_on is None
        ],
    )


def write_visits(plan, writer):
    writer.log(f"Writing {plan.visits_asked} visits...")
    batch, written = [], 0
    for match in plan.matches:
        batch.extend((match, visit) for visit in match.visits)
        if len(batch) >= writer.batch_size:
            written += write_visit_batch(batch, writer)
            batch = []
            if (
                written // VISITS_LOGGED_EVERY
                != (written - writer.batch_size) // VISITS_LOGGED_EVERY
            ):
                writer.log(f"  {written} visits")
    written += write_visit_batch(batch, writer)
    writer.log(f"  {written} visits")
    if writer.counts[Visit._meta.label] != plan.visits_asked:
        raise RuntimeError("the visits written do not add up to the number asked for")


def write_visit_batch(batch, writer):
    """The visits of `batch` ((match, visit) pairs), their activities and concerns."""
    if not batch:
        return 0
    rows = [visit_row(match, visit, writer) for match, visit in batch]
    writer.write(Visit, rows)
    writer.write(
        Visit.activities.through,
        [
            Visit.activities.through(visit_id=row.pk, visitactivity_id=activity)
            for row, (_, visit) in zip(rows, batch, strict=True)
            for activity in visit.activities
        ],
    )
    writer.write(
        Concern,
        [
            concern_row(match, visit.concern, row, writer)
            for row, (match, visit) in zip(rows, batch, strict=True)
            if visit.concern is not None
        ],
    )
    return len(rows)


def visit_row(match, visit, writer):
    manager = writer.row(match.family.project.manager)
    start = visit.start_time
    return Visit(
        match=writer.row(match),
        status="draft" if visit.draft else "logged",
        visited_on=visit.visited_on,
        start_time=start,
        duration_minutes=visit.duration_minutes,
        contact_made=visit.contact_made,
        medium=visit.medium,
        place=visit.place,
        notes=visit.notes,
        engagement=visit.engagement,
        miles=visit.miles,
        claim_paid_at=writer.at(visit.paid_on, 15) if visit.paid_on else None,
        claim_paid_by=manager if visit.paid_on else None,
        logged_by=writer.row(match.volunteer.user),
        # Logged on the day, after the visit.
        created_at=writer.at(visit.visited_on, min(start.hour + 3, 22), start.minute),
    )


def concern_row(match, concern, visit, writer):
    closed = concern.closed_on is not None
    manager = writer.row(match.family.project.manager)
    return Concern(
        visit=visit,
        family=writer.row(match.family),
        details=concern.details,
        raised_by=writer.row(match.volunteer.user),
        raised_at=visit.created_at,
        # Acknowledged within the hour, as the project's managers do.
        acknowledged_by=manager,
        acknowledged_at=visit.created_at + datetime.timedelta(minutes=40),
        outcome=ConcernOutcome.SOCIAL_WORKER if closed else "",
        follow_up=concern.follow_up,
        information_shared="The account, with the family's social worker." if closed else "",
        closed_by=manager if closed else None,
        closed_at=writer.at(concern.closed_on, 14) if closed else None,
    )
