"""Factories for tests.

Most build one row. The end-state factories (`ReadyVolunteerFactory`,
`AcceptedFamilyFactory`, `ActiveMatchFactory`) write at once every row the services
would have left after the whole journey (records, stage and status history, change
history, object permissions, audit events), in a handful of queries instead of
replaying each step; tests/test_factories.py holds them to the services, row for row.
Tests that are about those steps go through the services instead
(tests/volunteers/helpers.py, `make_referral`, the services themselves).
"""

import datetime
from itertools import pairwise

import factory
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm
from guardian.utils import get_user_obj_perms_model
from simple_history.utils import bulk_create_with_history

from families.models import Child, Family, FamilyStatusChange
from families.services import next_case_reference
from outcomes.models import ChildStatus, RiskReview
from referrals import services
from referrals.models import CPCategory, LevelOfNeed, Referral, ReferralChild, ReferralStatusChange
from referrals.services import format_postcode
from vicp.models import AuditEvent, Project, User
from volunteers.models import (
    DBSCheck,
    Interview,
    Reference,
    TrainingAttendance,
    Volunteer,
    VolunteerStageChange,
)

PASSWORD = "correct-horse-battery-staple"
# The names of the fixed family the tests build (`doe_children`): a page that must not
# show the family is checked for them, so nobody else is given one at random.
FAMILY_NAMES = {"Amy", "Ben", "Doe"}


def _random_name(kind):
    """A random British first or last name (`kind`), never one of FAMILY_NAMES, from
    factory-boy's own Faker (so seeding it still repeats a run)."""
    faker = factory.Faker._get_faker(locale="en_GB")
    while (name := getattr(faker, kind)()) in FAMILY_NAMES:
        pass
    return name


def random_first_name():
    return factory.LazyFunction(lambda: _random_name("first_name"))


def random_last_name():
    return factory.LazyFunction(lambda: _random_name("last_name"))


CERTIFICATE = "001234567890"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = random_first_name()
    last_name = random_last_name()
    role = User.Role.VOLUNTEER
    password = factory.django.Password(PASSWORD)


class ProjectManagerFactory(UserFactory):
    role = User.Role.PROJECT_MANAGER


class SocialWorkerFactory(UserFactory):
    role = User.Role.SOCIAL_WORKER
    organisation = "Cambridgeshire County Council"
    team = "Family Safeguarding Team 2"


class VolunteerUserFactory(UserFactory):
    role = User.Role.VOLUNTEER


class AdminFactory(UserFactory):
    role = User.Role.ADMIN
    is_staff = True
    is_superuser = True


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Project {n}")
    code = factory.Sequence(lambda n: "P" + "".join(chr(65 + int(d)) for d in f"{n:03d}"))
    local_authority = "Somewhere County Council"

    @factory.post_generation
    def managers(self, create, extracted, **kwargs):
        if create and extracted:
            self.managers.set(extracted)

    @factory.post_generation
    def social_workers(self, create, extracted, **kwargs):
        for social_worker in extracted or ():
            assign_perm("vicp.refer_to_project", social_worker, self)


class VolunteerFactory(factory.django.DjangoModelFactory):
    """An applicant at stage `applied` (ReadyVolunteerFactory for one signed off; the
    services, through tests/volunteers/helpers.py, for the steps in between)."""

    class Meta:
        model = "volunteers.Volunteer"
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    first_name = random_first_name()
    last_name = random_last_name()
    email = factory.Sequence(lambda n: f"applicant{n}@example.org")
    phone = "07700 900123"
    postcode = "CB1 2AB"
    availability_days = factory.LazyFunction(lambda: ["mon", "wed"])
    consent_to_checks = True
    # Long enough ago for the recruitment steps of ReadyVolunteerFactory and
    # tests/volunteers/helpers.py, which follow the application.
    applied_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=60))


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "volunteers.TrainingSession"

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Initial training, part {n}")
    held_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    hours = 6
    kind = "initial"
    created_by = factory.SubFactory(ProjectManagerFactory)


class VolunteerLoginFactory(VolunteerUserFactory):
    """A volunteer's login as sign-off creates it: no password until they set one."""

    password = factory.django.Password(None)


class ReadyVolunteerFactory(VolunteerFactory):
    """A volunteer signed off today, as `sign_off` leaves one after the steps of
    `signed_off` in tests/volunteers/helpers.py: informal and formal interviews passed
    40 days ago, a clear enhanced DBS check 30 days ago, two satisfactory references
    20 days ago, 18 hours of initial training 10 days ago, the post-training interview
    5 days ago. Their login may view the record; it has no password (set one to sign
    in). Signed off by a manager of the project unless `signed_off_by` says who."""

    stage = "ready"
    user = factory.SubFactory(
        VolunteerLoginFactory,
        email=factory.LazyAttribute(lambda o: o.factory_parent.email.lower()),
        first_name=factory.SelfAttribute("..first_name"),
        last_name=factory.SelfAttribute("..last_name"),
        phone=factory.SelfAttribute("..phone"),
    )
    signed_off_by = factory.LazyAttribute(lambda o: manager_of(o.project))
    signed_off_on = factory.LazyFunction(timezone.localdate)

    @classmethod
    @transaction.atomic  # as the services: all of it or nothing, and rows locked meanwhile
    def _create(cls, model_class, *args, **kwargs):
        volunteer = model_class(*args, **kwargs)
        volunteer.save_without_historical_record()
        _write_recruitment(volunteer)
        return volunteer


def _write_recruitment(volunteer):
    by, user = volunteer.signed_off_by, volunteer.user
    Interview.objects.bulk_create(
        Interview(volunteer=volunteer, kind=kind, outcome="passed", held_on=held_on, recorded_by=by)
        for kind, held_on in (
            ("informal", days_ago(40)),
            ("formal", days_ago(40)),
            ("post_training", days_ago(5)),
        )
    )
    DBSCheck.objects.create(
        volunteer=volunteer,
        certificate_number=CERTIFICATE,
        issued_on=days_ago(30),
        result="clear",
        recorded_by=by,
    )
    Reference.objects.bulk_create(
        Reference(
            volunteer=volunteer,
            referee_name=name,
            relationship="Employer",
            outcome="satisfactory",
            received_on=days_ago(20),
            recorded_by=by,
        )
        for name in ("Ruth Baker", "Tom Ellis")
    )
    session = TrainingSessionFactory(
        project=volunteer.project, hours=18, held_on=days_ago(10), created_by=by
    )
    TrainingAttendance.objects.create(
        session=session, volunteer=volunteer, hours=18, recorded_by=by
    )
    stages = ("applied", "interviewing", "checks", "training", "ready")
    VolunteerStageChange.objects.bulk_create(
        VolunteerStageChange(
            volunteer=volunteer,
            from_stage=from_stage,
            to_stage=to_stage,
            by=by,
            reason="Signed off." if to_stage == "ready" else "",
        )
        for from_stage, to_stage in pairwise(stages)
    )
    not_signed_off = {"user_id": None, "signed_off_by_id": None, "signed_off_on": None}
    _history(
        volunteer,
        *({**not_signed_off, "stage": stage} for stage in stages[:4]),
        {"stage": "training"},  # sign-off's own save, before the stage moves on
        {},
    )
    _grant("view_volunteer", user, volunteer).save()

    def stage_changed(from_stage, to_stage):
        return _event(
            "volunteer.stage_changed",
            actor=by,
            obj=volunteer,
            from_stage=from_stage,
            to_stage=to_stage,
        )

    def interview(kind):
        return _event(
            "volunteer.interview_recorded", actor=by, obj=volunteer, kind=kind, outcome="passed"
        )

    def reference():
        return _event(
            "volunteer.reference_recorded", actor=by, obj=volunteer, outcome="satisfactory"
        )

    AuditEvent.objects.bulk_create(
        [
            interview("informal"),
            stage_changed("applied", "interviewing"),
            interview("formal"),
            stage_changed("interviewing", "checks"),
            _event("volunteer.dbs_recorded", actor=by, obj=volunteer, result="clear"),
            reference(),
            reference(),
            stage_changed("checks", "training"),
            _event(
                "volunteer.training_recorded",
                actor=by,
                obj=volunteer,
                session=session.pk,
                hours="18",
            ),
            interview("post_training"),
            _event("user.invited", actor=by, obj=user, role="volunteer"),
            stage_changed("training", "ready"),
            _event("volunteer.signed_off", actor=by, obj=volunteer),
        ]
    )


def days_ago(n, today=None):
    return (today or timezone.localdate()) - datetime.timedelta(days=n)


def manager_of(project):
    """A manager of `project` (one is added if it has none)."""
    manager = project.managers.order_by("pk").first()
    if manager is None:
        manager = ProjectManagerFactory()
        project.managers.add(manager)
    return manager


def _event(action, *, actor, obj, project_id=None, **details):
    """An audit event as `vicp.audit.record` writes it outside a request (its project is
    the object's unless `project_id` says)."""
    return AuditEvent(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        project_id=project_id or getattr(obj, "project_id", None),
        details=details,
    )


def _grant(codename, user, obj):
    """The direct foreign-key object permission `assign_perm(codename, user, obj)` writes
    (unsaved, to be written with others in one query)."""
    model = type(obj)
    permission = Permission.objects.get(
        content_type=ContentType.objects.get_for_model(model), codename=codename
    )
    return get_user_obj_perms_model(obj)(permission=permission, user=user, content_object=obj)


def _history(instance, *states, user=None):
    """The change history of `instance` as if it had been saved once per state, the
    first save creating it. A state names the fields whose value then differed from
    the one `instance` has now."""
    historical = type(instance).history.model
    now = timezone.now()
    current = {
        field.attname: getattr(instance, field.attname) for field in historical.tracked_fields
    }
    historical.objects.bulk_create(
        historical(
            history_type="~" if number else "+",
            history_date=now,
            history_user=user,
            history_change_reason=None,
            **{**current, **state},
        )
        for number, state in enumerate(states)
    )


def years_ago(years, days=0):
    """A date of birth `years` years before today, less `days` days."""

    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return day - datetime.timedelta(days=days)


def referral_defaults(project):
    return {
        "family_name": "Doe",
        "postcode": "CB4 1AA",
        "address": "2 Test Road, Cambridge",
        "level_of_need": LevelOfNeed.for_project(project).get(ordinal=4),
        "reasons": "Routines and school attendance.",
        "consent_given": True,
        "referrer_name": "Paper Referrer",
        "referrer_local_authority": "Cambridgeshire County Council",
    }


def doe_children():
    """Amy Doe, 7, on a child protection plan for neglect, and Ben Doe, 3, on a child
    in need plan (as `make_referral` takes them)."""

    return [
        {
            "first_name": "Amy",
            "last_name": "Doe",
            "date_of_birth": years_ago(7),
            "plan_type": "cp",
            "cp_category": CPCategory.objects.get(slug="neglect"),
        },
        {
            "first_name": "Ben",
            "last_name": "Doe",
            "date_of_birth": years_ago(3),
            "plan_type": "cin",
            "cp_category": None,
        },
    ]


def make_referral(project, by, *, children=None, submit=False, **fields):
    """A referral written by `by` through the service (submitted if asked): by
    default the Doe family (`doe_children`), level of need 4, with consent."""

    referral = Referral(project=project, **{**referral_defaults(project), **fields})
    if children is None:
        children = doe_children()
    referral = services.save_referral(referral, by=by, children=children)
    if submit:
        services.submit_referral(referral, by=by)
        referral.refresh_from_db()
    return referral


def referrer_for(project):
    """A new social worker who may refer families to `project`."""
    social_worker = SocialWorkerFactory()
    assign_perm("vicp.refer_to_project", social_worker, project)
    return social_worker


class AcceptedFamilyFactory(factory.django.DjangoModelFactory):
    """A family case awaiting a volunteer, as `accept_referral` leaves it: the social
    worker's referral (`family.referral`: written, submitted, accepted, with its
    status history and change history), the family and its children copied from it,
    the level of need at referral as the first risk review, the social worker's
    permissions to view both, and the audit events.

    Any other keyword is a field of the referral, as `make_referral` takes it (the
    family's own fields are copied from the referral, as when a case is opened);
    `children`, `needs` and `risks` too. By default the Doe family (`doe_children`,
    level of need 4), referred by a new social worker and accepted today by a manager
    of the project.
    """

    class Meta:
        model = "families.Family"

    project = factory.SubFactory(ProjectFactory)
    social_worker = factory.LazyAttribute(lambda o: referrer_for(o.project))
    accepted_by = factory.LazyAttribute(lambda o: manager_of(o.project))

    @classmethod
    @transaction.atomic  # as the services: all of it or nothing, and rows locked meanwhile
    def _create(
        cls,
        model_class,
        *,
        project,
        social_worker,
        accepted_by,
        children=None,
        needs=(),
        risks=(),
        **fields,
    ):
        children = doe_children() if children is None else children
        referral, referred = _accepted_referral(
            project,
            social_worker,
            accepted_by,
            children=children,
            needs=needs,
            risks=risks,
            **fields,
        )
        return _open_case(model_class, referral, referred, by=accepted_by, needs=needs, risks=risks)


def _accepted_referral(project, social_worker, manager, *, children, needs, risks, **fields):
    """The referral and its children, as written, submitted and accepted."""

    fields = {**referral_defaults(project), **fields}
    fields["postcode"] = format_postcode(fields["postcode"])
    now = timezone.now()
    referral = Referral(
        project=project,
        status=Referral.Status.ACCEPTED,
        social_worker=social_worker,
        created_by=social_worker,
        referrer_team=social_worker.team,
        referrer_email=social_worker.email,
        referrer_phone=social_worker.phone,
        submitted_at=now,
        decided_by=manager,
        decided_at=now,
        **fields,
    )
    referral.referrer_name = referral.referrer_name or social_worker.get_full_name()
    referral.save_without_historical_record()
    undecided = {"decided_by_id": None, "decided_at": None}
    _history(
        referral,
        {**undecided, "status": "draft", "submitted_at": None},
        {**undecided, "status": "submitted"},
        {},
    )
    if needs:
        referral.needs.set(needs)
    if risks:
        referral.risks.set(risks)
    referred = bulk_create_with_history(
        [ReferralChild(referral=referral, **child) for child in children],
        ReferralChild,
        default_user=social_worker,
    )
    statuses = ("", "draft", "submitted", "accepted")
    ReferralStatusChange.objects.bulk_create(
        ReferralStatusChange(
            referral=referral,
            from_status=from_status,
            to_status=to_status,
            by=manager if to_status == "accepted" else social_worker,
        )
        for from_status, to_status in pairwise(statuses)
    )
    _grant("view_referral", social_worker, referral).save()
    AuditEvent.objects.bulk_create(
        _event(
            f"referral.{to_status}",
            actor=manager if to_status == "accepted" else social_worker,
            obj=referral,
            from_status=from_status,
        )
        for from_status, to_status in pairwise(statuses)
    )
    return referral, referred


def _open_case(model_class, referral, referred, *, by, needs, risks):
    """The family case opened from `referral`, whose children are `referred`."""

    today = timezone.localdate()
    shared = (
        "family_name",
        "parents_carers",
        "address",
        "postcode",
        "phone",
        "email",
        "languages",
        "level_of_need",
        "hopes",
        "risk_details",
        "consent_given",
    )
    family = model_class.objects.create(
        project=referral.project,
        referral=referral,
        case_reference=next_case_reference(referral.project, today.year),
        status="awaiting_match",
        accepted_on=today,
        **{name: getattr(referral, name) for name in shared},
    )
    FamilyStatusChange.objects.create(family=family, to_status="awaiting_match", by=by)
    if needs:
        family.needs.set(needs)
    if risks:
        family.risks.set(risks)
    children = bulk_create_with_history(
        [
            Child(
                family=family,
                first_name=child.first_name,
                last_name=child.last_name,
                date_of_birth=child.date_of_birth,
                plan_type=child.plan_type,
                cp_category_id=child.cp_category_id,
            )
            # in the referral's order of its children, as `open_case` reads them
            for child in sorted(referred, key=lambda c: (c.date_of_birth, c.pk))
        ],
        Child,
        default_user=by,
    )
    _grant("view_family", referral.social_worker, family).save()
    if family.level_of_need_id is not None:
        review = RiskReview.objects.create(
            family=family,
            stage="referral",
            reviewed_on=today,
            level_of_need_id=family.level_of_need_id,
            notes="Taken from the referral.",
            recorded_by=by,
        )
        ChildStatus.objects.bulk_create(
            ChildStatus(review=review, child=child, plan_type=child.plan_type)
            for child in sorted(children, key=lambda c: (c.date_of_birth, c.pk))
        )
    _event("family.awaiting_match", actor=by, obj=family, from_status="").save()
    return family


class ActiveMatchFactory(factory.django.DjangoModelFactory):
    """A match under way, as `start_match` leaves it: the family working with the
    volunteer, both with their status history, and the volunteer's login allowed to
    see the family. By default an accepted family (AcceptedFamilyFactory) and a ready
    volunteer of its project (ReadyVolunteerFactory), matched today by a manager."""

    class Meta:
        model = "families.Match"

    family = factory.SubFactory(AcceptedFamilyFactory)
    volunteer = factory.SubFactory(
        ReadyVolunteerFactory, project=factory.SelfAttribute("..family.project")
    )
    started_by = factory.LazyAttribute(lambda o: manager_of(o.family.project))
    started_on = factory.LazyFunction(timezone.localdate)

    @classmethod
    @transaction.atomic  # as the services: all of it or nothing, and rows locked meanwhile
    def _create(cls, model_class, *, family, volunteer, started_by, **fields):
        # As `start_match`, from the rows as they are now (the instances given are left
        # as they were).
        family = Family.objects.get(pk=family.pk)
        volunteer = Volunteer.objects.select_related("user").get(pk=volunteer.pk)
        if family.status != "awaiting_match" or volunteer.stage != "ready":
            raise ValueError(
                f"start_match would refuse: the family is {family.status} and the volunteer "
                f"{volunteer.stage}"
            )
        match = model_class.objects.create(
            family=family, volunteer=volunteer, started_by=started_by, **fields
        )
        by = started_by
        family.status = "matched"
        family.save()
        FamilyStatusChange.objects.create(
            family=family, from_status="awaiting_match", to_status="matched", by=by
        )
        volunteer.stage, volunteer.stage_changed_at = "matched", timezone.now()
        volunteer.save()
        VolunteerStageChange.objects.create(
            volunteer=volunteer, from_stage="ready", to_stage="matched", by=by
        )
        _grant("view_family", volunteer.user, family).save()
        AuditEvent.objects.bulk_create(
            [
                _event("family.matched", actor=by, obj=family, from_status="awaiting_match"),
                _event(
                    "volunteer.stage_changed",
                    actor=by,
                    obj=volunteer,
                    from_stage="ready",
                    to_stage="matched",
                ),
                _event("match.started", actor=by, obj=match, project_id=family.project_id),
            ]
        )
        return match


class ConcernFactory(factory.django.DjangoModelFactory):
    """A safeguarding concern about a family, raised at any time (not from a visit): the
    row alone, without the audit event and alerts of `raise_concern`. By default raised
    now by a manager of the family's project; `raised_at`, `acknowledged_at`, `closed_at`
    (with `outcome`) put it at any point of its life."""

    class Meta:
        model = "families.Concern"

    family = factory.SubFactory(AcceptedFamilyFactory)
    raised_by = factory.LazyAttribute(lambda o: manager_of(o.family.project))
    category = "neglect"
    details = "The children were alone at home in the evening."
    raised_at = factory.LazyFunction(timezone.now)
    acknowledged_by = factory.LazyAttribute(
        lambda o: manager_of(o.family.project) if o.acknowledged_at else None
    )
    acknowledged_at = None
    closed_by = factory.LazyAttribute(
        lambda o: manager_of(o.family.project) if o.closed_at else None
    )
    closed_at = None
    outcome = factory.LazyAttribute(lambda o: "advice" if o.closed_at else "")
