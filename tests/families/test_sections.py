"""The family page in sections: who reaches each, what each shows, and its queries."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from families import services as family_services
from families.models import Child
from vicp.models import AuditEvent

from .test_views import grow_the_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

SECTIONS = [
    "families:detail",
    "families:visits",
    "families:plan",
    "families:outcomes",
    "families:safeguarding",
    "families:details",
    "families:history",
]


def url(name, family):
    return reverse(name, args=[family.pk])


@pytest.mark.parametrize("name", SECTIONS)
def test_who_reaches_each_section(name, client_for, cast, match, alice):
    family = match.family
    for who, status in [("alice", 200), ("charlie", 404), ("sam", 200), ("sally", 404)]:
        assert client_for(cast[who]).get(url(name, family)).status_code == status, who
    assert client_for(match.volunteer.user).get(url(name, family)).status_code == 200
    assert Client().get(url(name, family))["Location"].startswith(reverse("login"))
    family_services.end_match(match, by=alice, reason="volunteer_left")
    assert client_for(match.volunteer.user).get(url(name, family)).status_code == 404


@pytest.mark.parametrize("name", SECTIONS)
def test_each_section_records_the_viewing(name, client_for, sam, match):
    client_for(sam).get(url(name, match.family))
    event = AuditEvent.objects.get(action="family.viewed")
    assert event.actor == sam and event.object_id == str(match.family.pk)


def test_the_overview_puts_the_risks_and_open_concerns_first(client_for, alice, sam, match):
    family = match.family
    family.risk_details = "A large dog in the garden"
    family.save()
    family_services.log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=timezone.localdate(),
        duration_minutes=60,
        engagement=4,
        activities=[],
        concern="Bruise on Ben's arm",
    )
    for user in (alice, sam):
        page = client_for(user).get(url("families:detail", family)).content.decode()
        risks = page.index("Risks to a lone visitor")
        assert "A large dog in the garden" in page
        assert risks < page.index("Open safeguarding concerns") < page.index("The work")
        assert "Bruise on Ben" in page
    volunteer_page = client_for(match.volunteer.user).get(url("families:detail", family))
    content = volunteer_page.content.decode()
    assert "A large dog in the garden" in content
    assert "Bruise on Ben" not in content and "Open safeguarding concerns" not in content


def test_what_each_person_sees_within_the_sections(client_for, alice, sam, match):
    family = match.family
    family_services.log_visit(
        match=match,
        by=match.volunteer.user,
        visited_on=timezone.localdate(),
        duration_minutes=45,
        engagement=4,
        activities=[],
        concern="Bruise on Ben's arm",
    )
    volunteer = client_for(match.volunteer.user)
    # Volunteers: no concerns list, no last names, no tab to the concerns.
    safeguarding = volunteer.get(url("families:safeguarding", family)).content.decode()
    assert "Bruise on Ben" not in safeguarding
    details = volunteer.get(url("families:details", family)).content.decode()
    children = list(family.children.all())
    assert children and all(f"<td>{child.first_name}</td>" in details for child in children)
    assert not any(f"{child.first_name} {child.last_name}" in details for child in children)
    assert url("families:safeguarding", family) not in details
    manager_details = client_for(alice).get(url("families:details", family)).content.decode()
    assert all(f"{child.first_name} {child.last_name}" in manager_details for child in children)
    # Social workers: no visit notes, no list of changes; they read the concerns.
    sam_client = client_for(sam)
    visits = sam_client.get(url("families:visits", family))
    assert list(visits.context["page"]) == []
    assert "45 min" not in visits.content.decode()
    assert url("families:visits", family) not in visits.content.decode()
    assert "changes" not in sam_client.get(url("families:history", family)).context
    sam_safeguarding = sam_client.get(url("families:safeguarding", family)).content.decode()
    assert "Bruise on Ben" in sam_safeguarding
    concern_page = url("families:concern", family.concerns.get())
    assert concern_page in sam_safeguarding
    assert "Close the concern" not in sam_client.get(concern_page).content.decode()
    # Managers read the visits and close the concerns.
    alice_client = client_for(alice)
    assert "45 min" in alice_client.get(url("families:visits", family)).content.decode()
    assert concern_page in alice_client.get(url("families:safeguarding", family)).content.decode()
    assert "Close the concern" in alice_client.get(concern_page).content.decode()
    assert "changes" in alice_client.get(url("families:history", family)).context


def test_the_current_section_is_marked_for_screen_readers(client_for, alice, family):
    page = client_for(alice).get(url("families:plan", family)).content.decode()
    assert f'href="{url("families:plan", family)}" aria-current="page"' in page
    assert page.count('aria-current="page"') == 1


def test_visits_come_a_page_at_a_time(client_for, alice, match):
    today = timezone.localdate()
    for day in range(21):
        family_services.log_visit(
            match=match,
            by=match.volunteer.user,
            visited_on=today - datetime.timedelta(days=day),
            duration_minutes=30,
            engagement=4,
            activities=[],
        )
    client = client_for(alice)
    first = client.get(url("families:visits", match.family))
    assert len(first.context["page"]) == 20
    second = client.get(url("families:visits", match.family) + "?page=2")
    assert len(second.context["page"]) == 1
    assert client.get(url("families:visits", match.family) + "?page=x").status_code == 200


@pytest.mark.parametrize("name", SECTIONS)
@pytest.mark.parametrize("who", ["alice", "volunteer"])
def test_each_section_issues_the_same_queries_however_full_the_record(
    name, who, client_for, match, alice, django_assert_max_num_queries
):
    user = alice if who == "alice" else match.volunteer.user
    counts = []
    for total, already in ((1, 0), (5, 1)):
        grow_the_record(match, alice, total - already, already)
        for n in range(already, total):
            Child.objects.create(
                family=match.family,
                first_name=f"Child{n}",
                last_name="Doe",
                date_of_birth=datetime.date(2020, 1, 1),
                plan_type="cin",
            )
        client = client_for(user)
        client.get(url(name, match.family))  # charts and caches drawn once
        with django_assert_max_num_queries(40) as queries:
            assert client.get(url(name, match.family)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
