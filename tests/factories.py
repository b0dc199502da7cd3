import datetime

import factory
from guardian.shortcuts import assign_perm

from vicp.models import Project, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
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
    """An applicant at stage `applied` (use the services to move them on)."""

    class Meta:
        model = "volunteers.Volunteer"
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.Sequence(lambda n: f"applicant{n}@example.org")
    phone = "07700 900123"
    postcode = "CB1 2AB"
    availability_days = factory.LazyFunction(lambda: ["mon", "wed"])
    consent_to_checks = True


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "volunteers.TrainingSession"

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Initial training, part {n}")
    held_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=7))
    hours = 6
    kind = "initial"
    created_by = factory.SubFactory(ProjectManagerFactory)


def years_ago(years, days=0):
    """A date of birth `years` years before today, less `days` days."""
    from django.utils import timezone

    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return day - datetime.timedelta(days=days)


def make_referral(project, by, *, children=None, submit=False, **fields):
    """A referral written by `by` through the service (submitted if asked)."""
    from referrals import services
    from referrals.models import CPCategory, LevelOfNeed, Referral

    neglect = CPCategory.objects.get(slug="neglect")
    defaults = {
        "family_name": "Doe",
        "postcode": "CB4 1AA",
        "address": "2 Test Road, Cambridge",
        "level_of_need": LevelOfNeed.for_project(project).get(ordinal=4),
        "reasons": "Routines and school attendance.",
        "consent_given": True,
        "referrer_name": "Paper Referrer",
        "referrer_local_authority": "Cambridgeshire County Council",
    }
    referral = Referral(project=project, **{**defaults, **fields})
    if children is None:
        children = [
            {
                "first_name": "Amy",
                "last_name": "Doe",
                "date_of_birth": years_ago(7),
                "plan_type": "cp",
                "cp_category": neglect,
            },
            {
                "first_name": "Ben",
                "last_name": "Doe",
                "date_of_birth": years_ago(3),
                "plan_type": "cin",
                "cp_category": None,
            },
        ]
    referral = services.save_referral(referral, by=by, children=children)
    if submit:
        services.submit_referral(referral, by=by)
        referral.refresh_from_db()
    return referral
