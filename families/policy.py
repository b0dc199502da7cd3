"""Who may do what with a family case: each rule defined once.

Views, templates (through their views), selectors, services and tasks all ask
these functions rather than repeating the rule. They read the family's matches
through `family.matches.all()`, so a page that prefetched them asks no query.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from referrals import policy as referral_policy
from vicp.models import Document, Project, User
from vicp.permissions import manages

from .models import CaseNote, Concern, Family, Match, Visit

# A volunteer may change a visit they logged for this long (then a manager corrects it).
VOLUNTEER_EDIT_DAYS = 7


def _active(user: User | AnonymousUser | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def manages_family(user: User, family: Family) -> bool:
    """A manager of the family's project, or an administrator."""
    return manages(user, family.project)


def may_move_to_project(user: User, family: Family, project: Project) -> bool:
    """A case moves between two projects only in the hands of someone who manages both
    (an administrator manages every project): the old project gives up the case and the
    new one takes it on."""
    return manages(user, family.project) and manages(user, project)


def is_referring_social_worker(user: User, family: Family) -> bool:
    """The social worker named on the referral that became this case."""
    return referral_policy.is_referring_social_worker(user, family.referral)


def active_match(family: Family) -> Match | None:
    """The family's match that has not ended, or None."""
    return next((match for match in family.matches.all() if match.ended_on is None), None)


def is_matched_volunteer(user: User, family: Family) -> bool:
    """The volunteer working with the family now (not one whose match has ended)."""
    if not (_active(user) and user.is_volunteer):
        return False
    match = active_match(family)
    return match is not None and match.volunteer.user_id == user.pk and not match.is_suspended


def has_worked_with(user: User, family: Family) -> bool:
    """A volunteer who has had a match with the family, ended or not."""
    return (
        _active(user)
        and user.is_volunteer
        and any(match.volunteer.user_id == user.pk for match in family.matches.all())
    )


def may_plan(user: User, family: Family) -> bool:
    """The plan of work (goals, Family Star, measures) is kept by the family's managers
    and the volunteer working with the family now."""
    return manages_family(user, family) or is_matched_volunteer(user, family)


def may_log_visit(user: User, match: Match) -> bool:
    """The matched volunteer logs visits (not while suspended); a manager may log one for
    them."""
    return (match.volunteer.user_id == user.pk and not match.is_suspended) or manages(
        user, match.family.project
    )


def volunteer_may_still_edit(
    visit: Visit, user: User, now: datetime.datetime | None = None
) -> bool:
    """The volunteer who logged a visit may change it for VOLUNTEER_EDIT_DAYS, while
    matched."""
    now = now or timezone.now()
    return (
        visit.logged_by_id == user.pk
        and visit.match.volunteer_has_access
        and now - visit.created_at < datetime.timedelta(days=VOLUNTEER_EDIT_DAYS)
    )


def may_edit_visit(user: User, visit: Visit) -> bool:
    """A logged visit is changed by its volunteer for a week, and corrected by a manager
    at any time."""
    return visit.status == Visit.Status.LOGGED and (
        manages(user, visit.match.family.project) or volunteer_may_still_edit(visit, user)
    )


def may_finish_unfinished(user: User, visit: Visit) -> bool:
    """A draft left when its match ended is finished or discarded by a manager."""
    return visit.status == Visit.Status.UNFINISHED and manages(user, visit.match.family.project)


def may_finish_draft(user: User, visit: Visit) -> bool:
    """A draft is finished while its match is active (by whoever may log the visit), or
    after the match ended by a manager."""
    if visit.status == Visit.Status.DRAFT:
        return visit.match.is_active and may_log_visit(user, visit.match)
    return may_finish_unfinished(user, visit)


# --- Case notes ------------------------------------------------------------------------


def may_read_case_notes(user: User, family: Family) -> bool:
    """A case's notes of contacts (calls, emails, meetings) are read by its managers and
    its social worker; volunteers never read them."""
    return manages_family(user, family) or is_referring_social_worker(user, family)


def may_write_case_note(user: User, family: Family) -> bool:
    """Those who read a case's notes add to them while the case is open (a closed case,
    like its plan of work, takes no new record of work)."""
    return (
        family.status != Family.Status.CLOSED
        and family.anonymised_on is None
        and may_read_case_notes(user, family)
    )


def may_mark_sensitive(user: User, family: Family) -> bool:
    """Only those who read sensitive notes may mark a note sensitive."""
    return manages_family(user, family)


def may_read_note(user: User, note: CaseNote) -> bool:
    """A sensitive note is read by the project's managers only (not the social worker)."""
    if note.sensitive:
        return may_mark_sensitive(user, note.family)
    return may_read_case_notes(user, note.family)


def may_correct_note(user: User, note: CaseNote) -> bool:
    """A note is corrected by its writer (while they may still read it) or a manager of the
    project, also after the case has closed, until retention removes its text."""
    return (
        note.family.anonymised_on is None
        and may_read_note(user, note)
        and (note.written_by_id == user.pk or manages_family(user, note.family))
    )


# --- Safeguarding concerns -------------------------------------------------------------


def may_see_concerns(user: User, family: Family) -> bool:
    """A case's concerns, with their actions log and outcome, are read by its managers
    (the project's safeguarding leads are among them, or administrators) and its social
    worker. A volunteer is told only the status of the concerns they raised."""
    return manages_family(user, family) or is_referring_social_worker(user, family)


def may_raise_concern(user: User, family: Family) -> bool:
    """Anyone working on the case may raise a concern about its children at any time: its
    managers, its social worker and the volunteer working with the family now."""
    return may_see_concerns(user, family) or is_matched_volunteer(user, family)


def is_safeguarding_lead(user: User, project: Project) -> bool:
    """The project's designated safeguarding lead or their deputy."""
    return _active(user) and user.pk in (
        project.safeguarding_lead_id,
        project.deputy_safeguarding_lead_id,
    )


def reads_allegations(user: User, project: Project) -> bool:
    """An allegation against someone in a position of trust is read only by the project's
    safeguarding leads and the administrators."""
    return _active(user) and (user.is_admin or is_safeguarding_lead(user, project))


def may_read_concern(user: User, concern: Concern) -> bool:
    if concern.is_allegation:
        return reads_allegations(user, concern.family.project)
    return may_see_concerns(user, concern.family)


def may_handle_concern(user: User, concern: Concern) -> bool:
    """Acknowledging, closing and reopening a concern is for the project's managers (for
    an allegation, its safeguarding leads and the administrators)."""
    if concern.is_allegation:
        return reads_allegations(user, concern.family.project)
    return manages_family(user, concern.family)


def may_log_concern_action(user: User, concern: Concern) -> bool:
    """The actions log is written by everyone who reads it: the social worker records
    their part (a strategy discussion, a visit) beside the managers'."""
    return may_read_concern(user, concern)


def may_suspend_for(user: User, concern: Concern) -> bool:
    """Suspending a volunteer from their match, pending an allegation's outcome, and
    lifting the suspension, is for those who handle the allegation."""
    return concern.is_allegation and may_handle_concern(user, concern)


def acknowledgement_window() -> datetime.timedelta:
    """How long a concern may wait for its acknowledgement before it is escalated."""
    return datetime.timedelta(minutes=settings.VICP_CONCERN_ACK_MINUTES)


def is_overdue(concern: Concern, now: datetime.datetime | None = None) -> bool:
    """Open, unacknowledged, and raised VICP_CONCERN_ACK_MINUTES or more ago."""
    now = now or timezone.now()
    return (
        concern.closed_at is None
        and concern.acknowledged_at is None
        and concern.raised_at <= now - acknowledgement_window()
    )


def overdue(concerns: QuerySet[Concern], now: datetime.datetime | None = None) -> QuerySet[Concern]:
    """The concerns of `concerns` that `is_overdue` says are overdue, as a query."""
    now = now or timezone.now()
    return concerns.filter(
        closed_at=None, acknowledged_at=None, raised_at__lte=now - acknowledgement_window()
    )


# --- Documents -------------------------------------------------------------------------


def may_read_case_document(user: User, family: Family, document: Document) -> bool:
    """A case's documents are read by its managers and its social worker; the volunteer
    working with the family now reads those a manager shared with them, and no longer
    once the match ends."""
    if manages_family(user, family) or is_referring_social_worker(user, family):
        return True
    return document.shared_with_volunteer and is_matched_volunteer(user, family)


def may_add_case_document(user: User, family: Family) -> bool:
    """The managers add documents until retention anonymises the case (a closing letter
    comes after closure); the social worker while the case is open."""
    if family.anonymised_on is not None:
        return False
    return manages_family(user, family) or (
        family.status != Family.Status.CLOSED and is_referring_social_worker(user, family)
    )


def may_manage_case_documents(user: User, family: Family) -> bool:
    """Replacing anyone's document, sharing with the volunteer and deleting."""
    return family.anonymised_on is None and manages_family(user, family)
