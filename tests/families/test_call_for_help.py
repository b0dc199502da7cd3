"""The number a volunteer is given to call about a child's safety, on their home page and
where they raise a concern: the project's safeguarding phone, else its lead's, else none."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def pages(client, match):
    return [
        client.get(url)
        for url in (reverse("vicp:home"), reverse("families:raise_concern", args=[match.family.pk]))
    ]


def test_a_project_with_no_lead_and_no_phone_still_shows_999(client_for, match):
    project = match.family.project
    assert project.safeguarding_lead is None and project.safeguarding_phone == ""
    for response in pages(client_for(match.volunteer.user), match):
        assert response.status_code == 200
        page = response.content.decode()
        assert 'href="tel:999"' in page
        assert "No safeguarding phone number is recorded for Cambridgeshire" in page


def test_the_leads_phone_stands_in_for_the_projects(client_for, match, alice):
    alice.phone = "07700 900456"
    alice.save()
    project = match.family.project
    project.safeguarding_lead = alice
    project.save()
    for response in pages(client_for(match.volunteer.user), match):
        assert 'href="tel:07700900456"' in response.content.decode()

    project.safeguarding_phone = "+44 1223 555 0199"
    project.save()
    for response in pages(client_for(match.volunteer.user), match):
        page = response.content.decode()
        assert 'href="tel:+4412235550199"' in page and "tel:07700900456" not in page

    project.safeguarding_phone = ""
    project.save()
    alice.is_active = False
    alice.save()
    client = client_for(match.volunteer.user)
    assert "tel:07700900456" not in client.get(reverse("vicp:home")).content.decode()
