"""Project managers invite social workers; nobody registers themselves."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.volunteers.helpers import signed_off
from vicp import services
from vicp.models import AuditEvent, User
from vicp.permissions import projects_visible_to

from . import factories
from .conftest import sign_in

pytestmark = pytest.mark.django_db

INVITE = reverse("vicp:invite_social_worker")
LIST = reverse("vicp:social_workers")


def invitation(project, **overrides):
    return {
        "project": project.pk,
        "first_name": "Nadia",
        "last_name": "Begum",
        "email": "nadia.begum@cambs.example.gov.uk",
        "organisation": "Cambridgeshire County Council",
        "team": "Family Safeguarding Team 4",
        "phone": "01223 000000",
        **overrides,
    }


# --- who may reach the pages -------------------------------------------------


@pytest.mark.parametrize("url", [INVITE, LIST])
def test_anonymous_visitors_are_asked_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url", [INVITE, LIST])
@pytest.mark.parametrize("who", ["sam", "vera"])
def test_social_workers_and_volunteers_get_404(client_for, cast, url, who):
    assert client_for(cast[who]).get(url).status_code == 404


@pytest.mark.parametrize("url", [INVITE, LIST])
@pytest.mark.parametrize("who", ["alice", "ada"])
def test_project_managers_and_admins_may_reach_them(client_for, cast, url, who):
    assert client_for(cast[who]).get(url).status_code == 200


# --- the journey ---------------------------------------------------------------


def test_inviting_creates_the_account_and_emails_a_set_password_link(
    client_for, cast, cambridgeshire, django_capture_on_commit_callbacks
):
    client = client_for(cast["alice"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INVITE, invitation(cambridgeshire))
    assert response.status_code == 302
    nadia = User.objects.get(email="nadia.begum@cambs.example.gov.uk")
    assert nadia.role == User.Role.SOCIAL_WORKER
    assert not nadia.has_usable_password()
    assert list(projects_visible_to(nadia)) == [cambridgeshire]
    assert AuditEvent.objects.filter(
        action="user.invited", object_id=str(nadia.pk), actor=cast["alice"]
    ).exists()

    (message,) = mail.outbox
    assert message.to == [nadia.email]
    link = re.search(r"http://\S+", message.body).group(0)
    client.logout()
    page = client.get(link.replace("http://127.0.0.1:8000", ""), follow=True)
    assert page.context["validlink"] is True
    password = "meadow-lantern-quartz-19"
    client.post(page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})
    nadia.refresh_from_db()
    assert nadia.check_password(password)


def test_the_list_shows_only_social_workers_of_managed_projects(client_for, cast):
    page = client_for(cast["alice"]).get(LIST).content.decode()
    assert "sam@example.org" in page
    assert "sally@example.org" not in page


def test_bad_input_is_shown_by_the_field_and_keeps_what_was_typed(client_for, cast, cambridgeshire):
    response = client_for(cast["alice"]).post(
        INVITE, invitation(cambridgeshire, email="not-an-email", first_name="")
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "email" in form.errors and "first_name" in form.errors
    assert 'value="Begum"' in response.content.decode()
    assert not User.objects.filter(email="nadia.begum@cambs.example.gov.uk").exists()


def test_a_manager_cannot_invite_to_another_project(client_for, cast, southend):
    response = client_for(cast["alice"]).post(INVITE, invitation(southend))
    assert response.status_code == 200
    assert "project" in response.context["form"].errors
    assert not User.objects.filter(email="nadia.begum@cambs.example.gov.uk").exists()


def test_an_address_of_one_of_the_projects_volunteers_is_refused_by_the_field(
    client_for, cast, cambridgeshire
):
    volunteer = signed_off(
        factories.VolunteerFactory(project=cambridgeshire, email="val.green@example.org"),
        cast["alice"],
    )
    response = client_for(cast["alice"]).post(
        INVITE, invitation(cambridgeshire, email=volunteer.user.email.upper())
    )
    assert "not a social worker" in str(response.context["form"].errors["email"])


def test_an_address_of_a_fellow_manager_is_refused_by_the_field(client_for, cast, cambridgeshire):
    colleague = factories.ProjectManagerFactory(email="colleague@example.org")
    cambridgeshire.managers.add(colleague)
    response = client_for(cast["alice"]).post(
        INVITE, invitation(cambridgeshire, email="colleague@example.org")
    )
    assert "not a social worker" in str(response.context["form"].errors["email"])


def _answer(response):
    return (
        response.status_code,
        response.get("Location"),
        [str(m) for m in get_messages(response.wsgi_request)],
    )


@pytest.mark.parametrize("who", ["vera", "charlie", "ada"])
def test_an_account_the_manager_may_not_see_is_not_revealed(
    client_for, cast, cambridgeshire, who, django_capture_on_commit_callbacks
):
    """A volunteer with no project of hers, another project's manager, an administrator:
    Alice gets the answer she would get for an address nobody uses."""

    other = cast[who]
    client = client_for(cast["alice"])
    with django_capture_on_commit_callbacks(execute=True):
        hidden = _answer(client.post(INVITE, invitation(cambridgeshire, email=other.email)))
        new = _answer(sign_in(Client(), cast["alice"]).post(INVITE, invitation(cambridgeshire)))
    assert hidden == new
    assert hidden[2] == ["Nadia Begum has been emailed a link to set their password."]
    other.refresh_from_db()
    assert other.role != User.Role.SOCIAL_WORKER
    assert cambridgeshire not in projects_visible_to(other) or who == "ada"
    assert [m.to for m in mail.outbox] == [["nadia.begum@cambs.example.gov.uk"]]
    event = AuditEvent.objects.get(action="project.social_worker_invite_refused")
    assert (event.actor, event.object_id, event.project) == (cast["alice"], str(other.pk), None)
    # Only administrators see why: Alice's audit log does not show the event.
    log = client.get(reverse("vicp:audit_log")).context["page"]
    assert event not in list(log)


def test_an_admin_is_told_the_address_belongs_to_someone_else(client_for, cast, cambridgeshire):
    response = client_for(cast["ada"]).post(
        INVITE, invitation(cambridgeshire, email="VERA@example.org")
    )
    assert "not a social worker" in str(response.context["form"].errors["email"])


def test_an_existing_social_worker_is_given_access_to_another_project(
    cast, cambridgeshire, southend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_social_worker(
            project=southend,
            by=cast["charlie"],
            email="sam@example.org",
            first_name="Sam",
            last_name="X",
        )
    assert set(projects_visible_to(cast["sam"])) == {cambridgeshire, southend}
    assert "another ViCP project" in mail.outbox[0].subject


def test_inviting_someone_already_in_the_project_is_refused(cast, cambridgeshire):
    with pytest.raises(Exception, match="already works with this project"):
        services.invite_social_worker(
            project=cambridgeshire,
            by=cast["alice"],
            email="sam@example.org",
            first_name="Sam",
            last_name="X",
        )


def test_resending_an_invitation_sends_a_fresh_link(
    client_for, cast, cambridgeshire, django_capture_on_commit_callbacks
):
    nadia = services.invite_social_worker(
        project=cambridgeshire,
        by=cast["alice"],
        email="nadia@example.org",
        first_name="Nadia",
        last_name="B",
    )
    client = client_for(cast["alice"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("vicp:resend_invitation", args=[nadia.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_resending_to_another_projects_social_worker_is_404(client_for, cast):
    response = client_for(cast["alice"]).post(
        reverse("vicp:resend_invitation", args=[cast["sally"].pk])
    )
    assert response.status_code == 404


def test_resending_to_someone_who_set_a_password_is_refused(client_for, cast):
    response = client_for(cast["alice"]).post(
        reverse("vicp:resend_invitation", args=[cast["sam"].pk]), follow=True
    )
    assert "already set a password" in response.content.decode()
    assert mail.outbox == []
