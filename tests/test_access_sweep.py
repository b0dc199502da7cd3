"""Every URL that names a record answers 404 to everyone who may not see it.

The sweep walks the URL patterns itself: a new view with a parameter fails
here until it is added to RECORDS, with the record its parameters name.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from families.models import Family, Visit
from families.services import (
    add_goal,
    close_case,
    close_concern,
    end_match,
    log_visit,
    raise_concern,
    suspend_volunteer,
    write_case_note,
)
from outcomes.services import request_report
from vicp.composition.services import request_subject_access_export
from vicp.models import AuditEvent
from volunteers import services

from . import factories
from .documents_helpers import add as add_document
from .urlwalk import all_routes
from .volunteers.helpers import clear_dbs, pass_interviews, training

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

# Routes whose parameters are not record ids: tokens of public links, and
# Django's admin (administrators only; the admin has its own permission checks).
NOT_RECORDS = {
    "password_reset_confirm",
    "outcomes:family_evaluation",
}


def _volunteer(cast, project):
    return factories.VolunteerFactory(project=project)


def _dbs_check(cast, project):
    volunteer = factories.VolunteerFactory(project=project)
    services.record_dbs_check(
        volunteer,
        certificate_number="001234567890",
        issued_on=timezone.localdate(),
        result="disclosure",
        by=cast["alice"],
    )
    return {"pk": volunteer.pk, "dbs_pk": volunteer.dbs_checks.get().pk}


def _volunteer_with_steps(cast, project):
    """A volunteer mid-recruitment with a step of each kind, one reference unsatisfactory."""
    volunteer = factories.VolunteerFactory(project=project)
    pass_interviews(volunteer, cast["alice"], "informal")
    clear_dbs(volunteer, cast["alice"])
    training(volunteer, cast["alice"], hours=6)
    services.record_reference(
        volunteer,
        referee_name="Pat Doe",
        relationship="Neighbour",
        outcome="unsatisfactory",
        received_on=timezone.localdate(),
        by=cast["alice"],
    )
    return volunteer


def _step_of(relation):
    def maker(cast, project):
        volunteer = _volunteer_with_steps(cast, project)
        return {"pk": volunteer.pk, "step_pk": getattr(volunteer, relation).get().pk}

    return maker


def _unsatisfactory_reference(cast, project):
    volunteer = _volunteer_with_steps(cast, project)
    return {"pk": volunteer.pk, "reference_pk": volunteer.references.get().pk}


def _training_session(cast, project):
    return factories.TrainingSessionFactory(project=project)


def _social_worker(cast, project):
    return cast["sam"]


def _referral(cast, project):
    return factories.make_referral(project, cast["sam"], submit=True)


def _draft_referral(cast, project):
    return factories.make_referral(project, cast["sam"])


def _family(cast, project):
    """Sam's referral, accepted: a family whose first volunteer's match has ended
    (cast["ended"])."""

    alice = cast["alice"]
    family = factories.AcceptedFamilyFactory(
        project=project, social_worker=cast["sam"], accepted_by=alice
    )
    former = factories.ReadyVolunteerFactory(project=project, signed_off_by=alice)
    match = factories.ActiveMatchFactory(family=family, volunteer=former, started_by=alice)
    end_match(match, by=alice, reason="volunteer_left")
    cast["ended"] = former.user
    return Family.objects.get(pk=family.pk)


def _match(cast, project):
    volunteer = factories.ReadyVolunteerFactory(project=project, signed_off_by=cast["alice"])
    return factories.ActiveMatchFactory(
        family=_family(cast, project), volunteer=volunteer, started_by=cast["alice"]
    )


def _visit(cast, project, **extra):
    match = _match(cast, project)
    return log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=match.started_on,
        duration_minutes=60,
        engagement=3,
        **extra,
    )


def _draft_visit(cast, project):
    return _visit(cast, project, draft=True)


def _unfinished_draft(cast, project):
    """A draft its volunteer could not finish: the match ended (managers only)."""
    visit = _draft_visit(cast, project)
    end_match(visit.match, by=cast["alice"], reason="planned")
    cast["drafted_by"] = visit.logged_by  # who saved it, refused like everyone else
    return Visit.objects.get(pk=visit.pk)


def _child(cast, project):
    """A child of a family, for the pages only its managers use."""
    return _family(cast, project).children.first()


def _concern(cast, project):
    """A concern raised with a visit: read by the case's managers and social worker, never
    by a volunteer, not even the one who raised it (cast["matched"])."""
    concern = _visit(cast, project, concern="Worried").concerns.get()
    cast["matched"] = concern.raised_by
    return concern


def _concern_managers_only(cast, project):
    """A concern, for the actions only the project's managers take."""
    return _concern(cast, project)


def _allegation(cast, project):
    """An allegation about the matched volunteer; Alice is the project's safeguarding lead.
    Nobody else reads it, not even the family's social worker."""
    match = _match(cast, project)
    project.safeguarding_lead = cast["alice"]
    project.save()
    cast["matched"] = match.volunteer.user
    return raise_concern(
        family=match.family,
        by=cast["sam"],
        kind="allegation",
        subject=match.volunteer.user,
        details="Shouted at the child.",
    )


def _suspension(cast, project):
    concern = _allegation(cast, project)
    suspend_volunteer(concern, by=cast["alice"], reason="Pending the LADO.")
    return concern


def _closed_concern(cast, project):
    concern = _concern(cast, project)
    close_concern(
        concern,
        by=cast["alice"],
        outcome="advice",
        follow_up="Advice given to the family.",
        information_shared="Nothing shared beyond the social worker.",
    )
    return concern


def _family_managers_only(cast, project):
    """A family, for pages only its managers use (Sam, who referred it, is refused)."""
    return _family(cast, project)


def _closed_family_managers_only(cast, project):
    """A closed family, for its reopening (its managers only)."""
    return close_case(
        _family(cast, project), by=cast["alice"], reason="Done", missing_reason="disengaged"
    )


def _matched_family(cast, project):
    return _match(cast, project).family


def _export(cast, project):
    return request_subject_access_export(_family(cast, project), by=cast["alice"])


def _export_download(cast, project):
    return {"pk": _export(cast, project).pk, "kind": "pdf"}


def _goal(cast, project):
    return add_goal(family=_family(cast, project), by=cast["alice"], description="Mornings")


def _case_note(cast, project):
    """A note Alice wrote: corrected by its writer and the project's managers only (Sam,
    the case's social worker, reads it but did not write it)."""
    family = _family(cast, project)
    return write_case_note(
        family=family,
        by=cast["alice"],
        kind="phone",
        with_whom="social_worker",
        summary="Agreed the review date.",
        happened_at=timezone.now() - datetime.timedelta(hours=1),
    )


def _notes_family(cast, project):
    """A family with a volunteer: its notes are read by its managers and social worker,
    never by a volunteer, not the matched one (cast["matched"])."""
    match = _match(cast, project)
    cast["matched"] = match.volunteer.user
    return match.family


def _report(cast, project):
    """A project's impact report (Sam, who refers to the project, may not see it)."""

    today = timezone.localdate()
    return request_report(kind="impact", by=cast["alice"], project=project, start=today, end=today)


def _matched_family_managers_only(cast, project):
    """A family with a volunteer, for pages only its managers use: the volunteer working
    with it (cast["matched"]) is refused as well as Sam."""
    match = _match(cast, project)
    cast["matched"] = match.volunteer.user
    return match.family


def _volunteer_evaluation(cast, project):
    """The evaluation by the volunteer whose match ended (cast["ended"], who may give it)."""
    return {"pk": _family(cast, project).pk, "respondent": "volunteer"}


def _case_document(cast, project):
    """A document on a case with a volunteer, not shared with them: read by the case's
    managers and social worker, never by the matched volunteer (cast["matched"])."""
    family = _notes_family(cast, project)
    return add_document(family, cast["alice"])


def _case_document_managers_only(cast, project):
    """A document Alice added, for what only the project's managers do with it (Sam, the
    social worker, reads it but did not add it)."""
    return _case_document(cast, project)


def _case_document_version(cast, project):
    return {"pk": _case_document(cast, project).pk, "number": 1}


def _case_documents_to_add_to(cast, project):
    return {"holder_key": "family", "object_id": _family(cast, project).pk}


# What each route's parameters name, and a maker of such a record in
# Cambridgeshire (Alice's project). A maker returns the record (for `pk`) or
# the URL's keyword arguments.
RECORDS = {
    "vicp:resend_invitation": _social_worker,
    "volunteers:detail": _volunteer,
    "volunteers:record_interview": _volunteer,
    "volunteers:record_dbs_check": _volunteer,
    "volunteers:accept_disclosure": _dbs_check,
    "volunteers:record_reference": _volunteer,
    "volunteers:record_training": _volunteer,
    "volunteers:record_supervision": _volunteer,
    "volunteers:sign_off": _volunteer,
    "volunteers:not_progressed": _volunteer,
    "volunteers:reopen": _volunteer,
    "volunteers:record_leaving": _volunteer,
    "volunteers:edit_details": _volunteer,
    "volunteers:acknowledge_reference": _unsatisfactory_reference,
    "volunteers:withdraw_interview": _step_of("interviews"),
    "volunteers:withdraw_dbs_check": _step_of("dbs_checks"),
    "volunteers:withdraw_reference": _step_of("references"),
    "volunteers:withdraw_training": _step_of("training_attendances"),
    "volunteers:training_detail": _training_session,
    "referrals:detail": _referral,
    "referrals:edit": _draft_referral,
    "referrals:accept": _referral,
    "referrals:decline": _referral,
    "referrals:waitlist": _referral,
    "referrals:withdraw": _referral,
    "referrals:correct": _referral,
    "families:detail": _family,
    "families:visits": _family,
    "families:plan": _family,
    "families:outcomes": _family,
    "families:safeguarding": _family,
    "families:details": _family,
    "families:history": _family,
    "families:match": _family_managers_only,
    "families:edit_details": _family_managers_only,
    "families:change_social_worker": _family_managers_only,
    "families:move_project": _family_managers_only,
    "families:change_volunteer": _match,
    "families:add_child": _family_managers_only,
    "families:edit_child": _child,
    "families:child_left": _child,
    "families:close_case": _family_managers_only,
    "families:reopen_case": _closed_family_managers_only,
    "families:log_visit": _matched_family,
    "families:end_match": _match,
    "families:visit_detail": _visit,
    "families:finish_visit": _draft_visit,
    "families:discard_draft": _unfinished_draft,
    "families:edit_visit": _visit,
    "families:raise_concern": _family,
    "families:concern": _concern,
    "families:acknowledge_concern": _concern_managers_only,
    "families:log_concern_action": _concern,
    "families:close_concern": _concern_managers_only,
    "families:reopen_concern": _closed_concern,
    "families:correct_concern": _concern_managers_only,
    "families:suspend_volunteer": _allegation,
    "families:lift_suspension": _suspension,
    "families:add_goal": _matched_family,
    "families:review_goal": _goal,
    "families:edit_goal": _goal,
    "families:notes": _notes_family,
    "families:add_case_note": _notes_family,
    "families:correct_case_note": _case_note,
    "families:documents": _family,
    "vicp:document_add": _case_documents_to_add_to,
    "vicp:document": _case_document,
    "vicp:document_download": _case_document,
    "vicp:document_version_download": _case_document_version,
    "vicp:document_replace": _case_document_managers_only,
    "vicp:document_share": _case_document_managers_only,
    "vicp:document_delete": _case_document_managers_only,
    "families:sar_request": _family_managers_only,
    "families:sar_detail": _export,
    "families:sar_download": _export_download,
    "outcomes:record_star_reading": _matched_family,
    # outcomes: risk reviews and measures
    "outcomes:record_risk_review": _matched_family_managers_only,
    "outcomes:record_measure": _matched_family,
    # outcomes: evaluations
    "outcomes:evaluate": _volunteer_evaluation,
    "outcomes:family_evaluation_link": _family_managers_only,
    "outcomes:email_family_evaluation_link": _family_managers_only,
    # outcomes: reports
    "outcomes:report_detail": _report,
    "outcomes:report_download": _report,
    "outcomes:request_case_closure_report": _family,
    "outcomes:request_volunteer_record": _volunteer,
}

# Who must never reach a Cambridgeshire record through these routes: the other
# project's manager and social worker, volunteers (their own record has its
# own page), and Cambridgeshire's social worker (no recruitment records).
OUTSIDERS = ["charlie", "sally", "sam", "vera", "victor", "una"]
# Sam referred these; for his draft, even Alice is an outsider until he submits it.
OUTSIDERS_OF = {
    _referral: ["charlie", "sally", "vera", "victor", "una"],
    _family: ["charlie", "sally", "vera", "victor", "una", "ended"],
    _draft_referral: ["alice", "charlie", "sally", "vera", "victor", "una"],
    # Sam may see the family but not give the volunteer's evaluation.
    _volunteer_evaluation: ["charlie", "sally", "sam", "vera", "victor", "una"],
    _matched_family_managers_only: [*OUTSIDERS, "ended", "matched"],
    _unfinished_draft: [*OUTSIDERS, "ended", "drafted_by"],
    _concern: ["charlie", "sally", "vera", "victor", "una", "ended", "matched"],
    _concern_managers_only: [*OUTSIDERS, "ended", "matched"],
    _closed_concern: [*OUTSIDERS, "ended", "matched"],
    _allegation: [*OUTSIDERS, "ended", "matched"],
    _suspension: [*OUTSIDERS, "ended", "matched"],
    _notes_family: ["charlie", "sally", "vera", "victor", "una", "ended", "matched"],
    _case_note: [*OUTSIDERS, "ended"],
    _case_document: ["charlie", "sally", "vera", "victor", "una", "ended", "matched"],
    _case_document_version: ["charlie", "sally", "vera", "victor", "una", "ended", "matched"],
    _case_document_managers_only: [*OUTSIDERS, "ended", "matched"],
    _case_documents_to_add_to: ["charlie", "sally", "vera", "victor", "una", "ended"],
}
# Everything about a family is also closed to the volunteer whose match ended
# ("ended"); visits are logged by the matched volunteer and managers only, so
# Sam, who may see the family, may not log one.
FAMILY_OUTSIDERS = [*OUTSIDERS, "ended"]


ROUTES = [
    route
    for route in all_routes()
    if route.params and not route.name.startswith("admin:") and route.name not in NOT_RECORDS
]


def test_every_route_with_a_parameter_is_covered():
    missing = sorted(route.name for route in ROUTES if route.name not in RECORDS)
    assert not missing, f"add these routes to RECORDS in {__file__}: {missing}"


def test_the_walk_finds_every_route_the_sweep_knows():
    """A walker that finds nothing would leave the sweeps below with no cases, and
    pytest skips a test with none: that must fail here instead."""
    assert len(ROUTES) >= 30, f"the URL walk found only {len(ROUTES)} routes with a record"
    unfound = sorted(set(RECORDS) - {route.name for route in ROUTES})
    assert not unfound, f"routes in RECORDS that the URL walk did not find: {unfound}"


def _url(route, made):
    kwargs = made if isinstance(made, dict) else {route.params[0]: made.pk}
    return reverse(route.name, kwargs=kwargs)


def _refused(response, method):
    if response.status_code == 405:
        return method not in response.get("Allow", "")  # says nothing about the record
    return response.status_code == 404


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_outsiders_get_404(route, cast, cambridgeshire, client_for):
    maker = RECORDS[route.name]
    url = _url(route, maker(cast, cambridgeshire))
    default = FAMILY_OUTSIDERS if "ended" in cast else OUTSIDERS
    for who in OUTSIDERS_OF.get(maker, default):
        client = client_for(cast[who])
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert _refused(response, method.upper()), (
                f"{who} {method.upper()} {url} answered {response.status_code}"
            )
        client.logout()


def test_a_refused_record_is_in_the_audit_log(cast, cambridgeshire, client_for):
    family = _family(cast, cambridgeshire)
    client_for(cast["charlie"]).get(reverse("families:detail", args=[family.pk]))
    event = AuditEvent.objects.get(action="access.refused")
    assert (event.actor, event.object_type, event.object_id) == (
        cast["charlie"],
        "families.family",
        str(family.pk),
    )
    assert event.project == cambridgeshire  # Cambridgeshire's managers can see who tried
    assert event.ip_address == "127.0.0.1"


def test_a_record_that_does_not_exist_is_not_logged_as_refused(cast, client_for):
    client_for(cast["charlie"]).get(reverse("families:detail", args=[424242]))
    assert not AuditEvent.objects.filter(action="access.refused").exists()


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_anonymous_visitors_are_sent_to_sign_in(route, cast, cambridgeshire, client):
    url = _url(route, RECORDS[route.name](cast, cambridgeshire))
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_a_record_that_does_not_exist_is_404_for_its_manager(
    route, cast, cambridgeshire, client_for
):
    made = RECORDS[route.name](cast, cambridgeshire)
    kwargs = dict(made) if isinstance(made, dict) else {route.params[0]: made.pk}
    kwargs = dict.fromkeys(kwargs, 999999)
    for method in ("get", "post"):
        response = getattr(client_for(cast["alice"]), method)(reverse(route.name, kwargs=kwargs))
        assert _refused(response, method.upper())
