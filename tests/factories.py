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
