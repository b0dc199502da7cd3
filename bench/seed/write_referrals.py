"""Referrals at every status, with their children, needs, risks, history of status
and the object permissions the services grant."""

from referrals.models import (
    Referral,
    ReferralChild,
    ReferralStatusChange,
    ReferralUserObjectPermission,
)

PAPER_REFERRER = "A social worker (paper referral)"


def write_referrals(plan, writer):
    writer.log("Writing referrals...")
    referrals = plan.referrals
    writer.write(
        Referral, [referral_row(referral, writer) for referral in referrals], plans=referrals
    )
    children, needs, risks, changes, permissions = [], [], [], [], []
    view = writer.permission("referrals.view_referral")
    change = writer.permission("referrals.change_referral")
    for referral in referrals:
        model = writer.row(referral)
        children.extend(
            ReferralChild(
                referral=model,
                first_name=child.first_name,
                last_name=child.last_name,
                date_of_birth=child.born,
                plan_type=child.plan_type,
                cp_category_id=child.cp_category,
            )
            for child in referral.children
        )
        needs += [
            Referral.needs.through(referral_id=model.pk, need_id=need.pk) for need in referral.needs
        ]
        risks += [
            Referral.risks.through(referral_id=model.pk, riskkind_id=risk)
            for risk in referral.risks
        ]
        changes.extend(
            ReferralStatusChange(
                referral=model,
                from_status=from_status,
                to_status=to_status,
                by=writer.row(by),
                at=writer.at(day, hour),
                reason=reason,
            )
            for from_status, to_status, day, hour, by, reason in referral.status_history()
        )
        # As the services grant them: the creator may view (and, while a draft or
        # withdrawn as one, change); the named social worker may view.
        by = model.created_by
        permissions.append(
            ReferralUserObjectPermission(permission=view, user=by, content_object=model)
        )
        if referral.submitted_on is None:
            permissions.append(
                ReferralUserObjectPermission(permission=change, user=by, content_object=model)
            )
        if model.social_worker_id and model.social_worker_id != by.pk:
            permissions.append(
                ReferralUserObjectPermission(
                    permission=view, user=model.social_worker, content_object=model
                )
            )
    writer.write(ReferralChild, children)
    writer.write(Referral.needs.through, needs)
    writer.write(Referral.risks.through, risks)
    writer.write(ReferralStatusChange, changes)
    writer.write(ReferralUserObjectPermission, permissions)


def referral_row(referral, writer):
    project, details = referral.project, referral.details
    manager = writer.row(project.manager)
    sw = writer.row(referral.social_worker) if referral.social_worker else None
    return Referral(
        project=writer.row(project),
        status=referral.status,
        social_worker=sw,
        referrer_name=sw.get_full_name() if sw else PAPER_REFERRER,
        referrer_team=sw.team if sw else "",
        referrer_local_authority=project.local_authority,
        referrer_phone=sw.phone if sw else "",
        referrer_email=sw.email if sw else "",
        created_by=writer.row(referral.created_by),
        family_name=referral.family_name,
        parents_carers=details["parents_carers"],
        address=details["address"],
        postcode=details["postcode"],
        phone=details["phone"],
        languages=details["languages"],
        level_of_need_id=writer.reference.levels[referral.level],
        reasons=details["reasons"],
        hopes=details["hopes"],
        risk_details=details["risk_details"],
        consent_given=referral.consent_given,
        decision_reason=referral.decision_reason,
        decided_by=manager if referral.decided_on else None,
        decided_at=writer.at(referral.decided_on, 11) if referral.decided_on else None,
        submitted_at=writer.at(referral.submitted_on, 9) if referral.submitted_on else None,
        created_at=writer.at(referral.created_on, 8),
    )
