"""Administrators provision projects and project managers in Django's admin."""

import pytest
from django.core import mail
from django.urls import reverse

from vicp.models import AuditEvent, Project, User

pytestmark = pytest.mark.django_db


def test_an_admin_creates_a_project_manager_who_is_emailed_a_link(
    client_for, ada, django_capture_on_commit_callbacks
):
    client = client_for(ada)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:vicp_user_add"),
            {
                "email": "Petra.Manager@Example.org",
                "first_name": "Petra",
                "last_name": "Manager",
                "role": "project_manager",
                "phone": "",
                "organisation": "",
                "team": "",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    petra = User.objects.get(email="petra.manager@example.org")
    assert petra.role == User.Role.PROJECT_MANAGER
    assert not petra.has_usable_password()
    assert AuditEvent.objects.filter(action="user.invited", object_id=str(petra.pk)).exists()
    assert mail.outbox[0].to == ["petra.manager@example.org"]


def test_an_admin_creates_a_project_with_its_managers(client_for, ada, alice):
    response = client_for(ada).post(
        reverse("admin:vicp_project_add"),
        {
            "name": "Norfolk",
            "code": "NOR",
            "local_authority": "Norfolk",
            "managers": [alice.pk],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert list(Project.objects.get(code="NOR").managers.all()) == [alice]


def test_an_admin_names_the_projects_safeguarding_leads(client_for, ada, alice, charlie):
    project = {"name": "Norfolk", "code": "NOR", "is_active": "on", "managers": [alice.pk]}
    client = client_for(ada)
    # A lead must see the project's cases: one of its managers, or an administrator.
    response = client.post(
        reverse("admin:vicp_project_add"),
        {**project, "safeguarding_lead": charlie.pk, "deputy_safeguarding_lead": charlie.pk},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "is not one of this project's managers" in errors["safeguarding_lead"][0]
    assert "someone other than the lead" in " ".join(errors["deputy_safeguarding_lead"])
    assert not Project.objects.filter(code="NOR").exists()
    response = client.post(
        reverse("admin:vicp_project_add"),
        {
            **project,
            "safeguarding_lead": alice.pk,
            "deputy_safeguarding_lead": ada.pk,
            "safeguarding_phone": "01632 960 123",
        },
    )
    assert response.status_code == 302
    norfolk = Project.objects.get(code="NOR")
    assert (norfolk.safeguarding_lead, norfolk.deputy_safeguarding_lead) == (alice, ada)
    assert norfolk.safeguarding_contact_phone == "01632 960 123"


def test_a_project_code_must_be_capital_letters(client_for, ada):
    response = client_for(ada).post(
        reverse("admin:vicp_project_add"), {"name": "Norfolk", "code": "nor1", "is_active": "on"}
    )
    assert response.status_code == 200
    assert not Project.objects.filter(name="Norfolk").exists()


@pytest.mark.parametrize("who", ["alice", "sam", "vera"])
def test_nobody_but_an_admin_uses_the_admin(client_for, cast, who):
    response = client_for(cast[who]).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    page = client_for(cast[who]).get(response["Location"])
    assert "not authorized" in page.content.decode()
