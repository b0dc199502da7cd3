"""Recording a volunteer's recruitment steps through the services, all or up to a
point. `factories.ReadyVolunteerFactory` writes the end state of `signed_off` at once,
for tests that are not about recruitment."""

from tests import factories
from tests.factories import CERTIFICATE, days_ago
from volunteers import services


def pass_interviews(volunteer, by, *kinds, held_on=None):
    for kind in kinds or ("informal", "formal"):
        services.record_interview(
            volunteer, kind=kind, outcome="passed", by=by, held_on=held_on or days_ago(40)
        )


def clear_dbs(volunteer, by, issued_on=None, result="clear"):
    return services.record_dbs_check(
        volunteer,
        certificate_number=CERTIFICATE,
        issued_on=issued_on or days_ago(30),
        result=result,
        by=by,
    )


def two_references(volunteer, by):
    for name in ("Ruth Baker", "Tom Ellis"):
        services.record_reference(
            volunteer,
            referee_name=name,
            relationship="Employer",
            outcome="satisfactory",
            received_on=days_ago(20),
            by=by,
        )


def training(volunteer, by, hours=18, kind="initial"):
    session = factories.TrainingSessionFactory(
        project=volunteer.project,
        hours=max(hours, 1),
        kind=kind,
        held_on=days_ago(10),
        created_by=by,
    )
    return services.record_training(volunteer, session=session, hours=hours, by=by)


def all_steps(volunteer, by, *, hours=18):
    """Every step in order; the post-training interview only once `hours` are enough
    for it."""
    pass_interviews(volunteer, by)
    clear_dbs(volunteer, by)
    two_references(volunteer, by)
    training(volunteer, by, hours=hours)
    if hours >= services.required_training_hours():
        pass_interviews(volunteer, by, "post_training", held_on=days_ago(5))
    return volunteer


def signed_off(volunteer, by):
    all_steps(volunteer, by)
    return services.sign_off(volunteer, by=by)
