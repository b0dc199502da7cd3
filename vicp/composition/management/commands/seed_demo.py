from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from guardian.shortcuts import assign_perm

from families.demo import seed_families
from outcomes.demo import seed_outcomes
from referrals.demo import seed_referrals
from vicp.models import Project, User
from volunteers.demo import seed_volunteers

DEMO_PASSWORD = "demo-vicp-2026"  # noqa: S105 (printed on purpose: demo data only)

PROJECTS = [
    ("Cambridgeshire", "CAM", "Cambridgeshire County Council"),
    ("Southend", "STH", "Southend-on-Sea City Council"),
]
# Each project's manager is its designated safeguarding lead, the administrator the deputy;
# the phone numbers are in Ofcom's range for drama (never a real line).
SAFEGUARDING_PHONES = {"CAM": "01632 960 101", "STH": "01632 960 202"}

PEOPLE = {
    "CAM": [
        ("pm.cam@example.org", "Priya", "Patel", User.Role.PROJECT_MANAGER),
        ("sw.cam@example.org", "Sam", "Walker", User.Role.SOCIAL_WORKER),
        ("volunteer.cam@example.org", "Vera", "Hughes", User.Role.VOLUNTEER),
    ],
    "STH": [
        ("pm.sth@example.org", "Paul", "Mensah", User.Role.PROJECT_MANAGER),
        ("sw.sth@example.org", "Sally", "Whitmore", User.Role.SOCIAL_WORKER),
        ("volunteer.sth@example.org", "Victor", "Okafor", User.Role.VOLUNTEER),
    ],
}
ADMIN = ("admin@example.org", "Ada", "Admin", User.Role.ADMIN)


class Command(BaseCommand):
    help = "Create demonstration projects and one account per role (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never on a live system)."
        )

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password; it runs only with "
                "DJANGO_DEBUG=1, or with --force on a system that holds no real data."
            )
        projects = {}
        for name, code, local_authority in PROJECTS:
            projects[code], _ = Project.objects.get_or_create(
                code=code, defaults={"name": name, "local_authority": local_authority}
            )
        accounts = [(ADMIN, None)]
        accounts += [(person, code) for code, people in PEOPLE.items() for person in people]
        rows = []
        for (email, first_name, last_name, role), code in accounts:
            self._user(email, first_name, last_name, role, projects.get(code))
            rows.append((role.label, email, code or "all"))
        self._safeguarding_leads(projects)
        seed_volunteers(projects)
        seed_referrals(projects)
        seed_families(projects)
        seed_outcomes(projects)
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD})"))
        for role, email, code in rows:
            self.stdout.write(f"  {role:<16} {email:<28} project: {code}")

    def _safeguarding_leads(self, projects):
        admin = User.objects.get(email=ADMIN[0])
        for code, project in projects.items():
            if project.safeguarding_lead_id is None:
                project.safeguarding_lead = project.managers.order_by("pk").first()
                project.deputy_safeguarding_lead = admin
                project.safeguarding_phone = SAFEGUARDING_PHONES[code]
                project.save()

    def _user(self, email, first_name, last_name, role, project):
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "role": role,
                "is_staff": role == User.Role.ADMIN,
                "is_superuser": role == User.Role.ADMIN,
            },
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if project is not None:
            if role == User.Role.PROJECT_MANAGER:
                project.managers.add(user)
            elif role == User.Role.SOCIAL_WORKER:
                assign_perm("vicp.refer_to_project", user, project)
                if not user.organisation:
                    user.organisation = project.local_authority
                    user.team = "Children's Social Care, Family Safeguarding"
                    user.save(update_fields=["organisation", "team"])
        return user
