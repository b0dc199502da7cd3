"""The recruitment pages: who may see them (three cases each) and what they do."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import remove_perm

from tests import factories
from volunteers.models import Stage, TrainingAttendance, Volunteer
from volunteers.views import APPLICATIONS_PER_HOUR, rate_limit_key

from .helpers import CERTIFICATE, all_steps, clear_dbs, pass_interviews, signed_off

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def session(cambridgeshire, alice):
    return factories.TrainingSessionFactory(project=cambridgeshire, hours=6, created_by=alice)


def _record_urls(volunteer, dbs_pk=1):
    pk = volunteer.pk
    return [
        ("get", reverse("volunteers:detail", args=[pk])),
        ("post", reverse("volunteers:record_interview", args=[pk])),
        ("post", reverse("volunteers:record_dbs_check", args=[pk])),
        ("post", reverse("volunteers:accept_disclosure", args=[pk, dbs_pk])),
        ("post", reverse("volunteers:record_reference", args=[pk])),
        ("post", reverse("volunteers:record_training", args=[pk])),
        ("post", reverse("volunteers:record_supervision", args=[pk])),
        ("post", reverse("volunteers:sign_off", args=[pk])),
        ("post", reverse("volunteers:not_progressed", args=[pk])),
        ("post", reverse("volunteers:reopen", args=[pk])),
        ("post", reverse("volunteers:record_leaving", args=[pk])),
    ]


# --- Permissions: anonymous → sign in; others → 404; allowed → 200 --------------


def test_anonymous_visitors_are_sent_to_sign_in(client, applicant, session):
    urls = [*_record_urls(applicant), ("get", reverse("volunteers:board"))]
    urls += [
        ("get", reverse("volunteers:training_list")),
        ("get", reverse("volunteers:training_create")),
        ("get", reverse("volunteers:training_detail", args=[session.pk])),
        ("get", reverse("volunteers:my_record")),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("name", ["charlie", "sam", "sally", "vera", "una"])
def test_other_people_get_404_on_every_recruitment_page(cast, client_for, applicant, name):
    check = clear_dbs(applicant, cast["alice"], result="disclosure")
    client = client_for(cast[name])
    for method, url in _record_urls(applicant, check.pk):
        assert getattr(client, method)(url).status_code == 404, url
    applicant.refresh_from_db()
    assert applicant.stage == Stage.APPLIED


@pytest.mark.parametrize("name", ["sam", "vera"])
def test_only_managers_see_the_board_and_training(cast, client_for, session, name):
    client = client_for(cast[name])
    for url in (
        reverse("volunteers:board"),
        reverse("volunteers:training_list"),
        reverse("volunteers:training_create"),
        reverse("volunteers:training_detail", args=[session.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_another_projects_manager_gets_404_on_a_training_session(cast, client_for, session):
    url = reverse("volunteers:training_detail", args=[session.pk])
    assert client_for(cast["charlie"]).get(url).status_code == 404
    assert client_for(cast["charlie"]).post(url, {"hours": 1}).status_code == 404


@pytest.mark.parametrize("name", ["alice", "ada"])
def test_the_projects_manager_and_admins_see_the_record(cast, client_for, applicant, name):
    clear_dbs(applicant, cast["alice"])
    response = client_for(cast[name]).get(reverse("volunteers:detail", args=[applicant.pk]))
    assert response.status_code == 200
    assert CERTIFICATE in response.content.decode()  # in full, on this page only


def test_a_volunteer_sees_only_their_own_record(cast, client_for, applicant):
    signed_off(applicant, cast["alice"])
    other = factories.VolunteerFactory(project=applicant.project, first_name="Otto")
    signed_off(other, cast["alice"])
    client = client_for(applicant.user)
    response = client.get(reverse("volunteers:my_record"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Amira Khan" in page and "Otto" not in page
    assert CERTIFICATE not in page and CERTIFICATE[-4:] in page
    assert "18 of 18 hours" in page
    assert client.get(reverse("volunteers:detail", args=[applicant.pk])).status_code == 404
    assert client.get(reverse("volunteers:board")).status_code == 404


@pytest.mark.parametrize("name", ["alice", "sam", "ada"])
def test_my_record_is_for_volunteers_only(cast, client_for, name):
    assert client_for(cast[name]).get(reverse("volunteers:my_record")).status_code == 404


def test_a_volunteer_not_yet_signed_off_sees_no_record(cast, client_for):
    response = client_for(cast["una"]).get(reverse("volunteers:my_record"))
    assert response.status_code == 200
    assert "once your project manager has signed you off" in response.content.decode()


def test_a_volunteer_whose_grant_was_removed_sees_nothing(cast, client_for, applicant):
    signed_off(applicant, cast["alice"])
    remove_perm("volunteers.view_volunteer", applicant.user, applicant)
    response = client_for(applicant.user).get(reverse("volunteers:my_record"))
    assert "Amira" not in response.content.decode().split("<main")[1]


# --- The public application form -----------------------------------------------


def application(project, **overrides):
    data = {
        "project": project.pk,
        "first_name": "Nia",
        "last_name": "Osei",
        "email": "nia@example.org",
        "phone": "07700 900456",
        "postcode": "cb21tn",
        "availability_days": ["mon", "thu"],
        "availability_times": "Mornings",
        "languages": "English, Twi",
        "experience": "Mother of three; school governor.",
        "drives": "on",
        "heard_about": "social_media",
        "consent_to_checks": "on",
        "website": "",
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """Forget earlier applications from the test addresses (only those keys: the
    cache may share Redis with the Celery broker)."""

    keys = [rate_limit_key(ip) for ip in ("127.0.0.1", "192.0.2.99")]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


def test_anyone_can_apply_and_the_managers_are_told(
    client, cambridgeshire, alice, charlie, django_capture_on_commit_callbacks
):
    assert client.get(reverse("volunteers:apply")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("volunteers:apply"), application(cambridgeshire))
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:applied")
    volunteer = Volunteer.objects.get()
    assert volunteer.project == cambridgeshire and volunteer.stage == Stage.APPLIED
    assert volunteer.postcode == "CB2 1TN" and volunteer.availability_days == ["mon", "thu"]
    assert volunteer.drives and volunteer.consent_to_checks
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert reverse("volunteers:detail", args=[volunteer.pk]) in mail.outbox[0].body
    assert client.get(reverse("volunteers:applied")).status_code == 200


def test_bad_input_gets_a_message_per_field_and_keeps_what_was_typed(client, cambridgeshire):
    data = application(
        cambridgeshire, email="not-an-email", postcode="zz", phone="12", consent_to_checks=""
    )
    response = client.post(reverse("volunteers:apply"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"email", "postcode", "phone", "consent_to_checks"}
    assert "Mother of three" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_a_filled_honeypot_is_thanked_but_not_saved(
    client, cambridgeshire, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("volunteers:apply"), application(cambridgeshire, website="http://spam")
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:applied")
    assert not Volunteer.objects.exists()
    assert not mail.outbox


def test_applications_are_rate_limited_per_address(client, cambridgeshire):
    for n in range(APPLICATIONS_PER_HOUR):
        response = client.post(
            reverse("volunteers:apply"), application(cambridgeshire, email=f"p{n}@example.org")
        )
        assert response.status_code == 302
    response = client.post(reverse("volunteers:apply"), application(cambridgeshire))
    assert response.status_code == 429
    assert Volunteer.objects.count() == APPLICATIONS_PER_HOUR
    other = client.post(
        reverse("volunteers:apply"),
        application(cambridgeshire, email="z@example.org"),
        REMOTE_ADDR="192.0.2.99",
    )
    assert other.status_code == 302


def test_the_application_form_reveals_no_other_applicant(client, cambridgeshire, applicant):
    page = client.get(reverse("volunteers:apply")).content.decode()
    assert "Amira" not in page and "amira@example.org" not in page
    # An address already used gets exactly the same answer as a new one.
    response = client.post(
        reverse("volunteers:apply"), application(cambridgeshire, email="amira@example.org")
    )
    assert response["Location"] == reverse("volunteers:applied")


def test_an_inactive_project_does_not_take_applications(client, cambridgeshire):
    cambridgeshire.is_active = False
    cambridgeshire.save()
    response = client.post(reverse("volunteers:apply"), application(cambridgeshire))
    assert response.status_code == 200 and "project" in response.context["form"].errors


# --- The board -------------------------------------------------------------------


def test_the_board_lists_only_the_managers_projects_with_counts(
    cast, client_for, applicant, southend
):
    factories.VolunteerFactory(project=southend, first_name="Sid")
    response = client_for(cast["alice"]).get(reverse("volunteers:board"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Amira Khan" in page and "Sid" not in page
    counts = {stage: count for stage, count, _, _ in response.context["stage_links"]}
    assert counts[Stage.APPLIED] == 1 and sum(counts.values()) == 1
    ada_page = client_for(cast["ada"]).get(reverse("volunteers:board")).content.decode()
    assert "Amira Khan" in ada_page and "Sid" in ada_page


def test_a_stage_link_keeps_the_other_filters(cast, client_for, applicant):
    board = reverse("volunteers:board")
    response = client_for(cast["alice"]).get(board, {"q": "gujarati", "page": "2"})
    links = {stage: query for stage, _, query, _ in response.context["stage_links"]}
    assert links[Stage.APPLIED] == "q=gujarati&stage=applied"  # the page starts again
    chosen = client_for(cast["alice"]).get(board, {"q": "gujarati", "stage": "applied"})
    current = [stage for stage, _, _, is_current in chosen.context["stage_links"] if is_current]
    assert current == [Stage.APPLIED]
    assert 'href="?q=gujarati&amp;stage=applied" aria-current="true"' in chosen.content.decode()


def test_the_board_searches_and_filters(cast, client_for, applicant, cambridgeshire):
    factories.VolunteerFactory(project=cambridgeshire, first_name="Bob", last_name="Ray")
    pass_interviews(applicant, cast["alice"], "informal")
    client = client_for(cast["alice"])
    page = client.get(reverse("volunteers:board"), {"q": "khan"}).content.decode()
    assert "Amira Khan" in page and "Bob Ray" not in page
    page = client.get(reverse("volunteers:board"), {"stage": "applied"}).content.decode()
    assert "Amira Khan" not in page and "Bob Ray" in page


def test_a_manager_cannot_filter_by_another_project(cast, client_for, southend):
    factories.VolunteerFactory(project=southend, first_name="Sid")
    response = client_for(cast["alice"]).get(reverse("volunteers:board"), {"project": southend.pk})
    assert "Sid" not in response.content.decode()


def test_the_board_issues_a_constant_number_of_queries(
    cast, client_for, cambridgeshire, django_assert_max_num_queries
):
    client = client_for(cast["alice"])
    client.get(reverse("volunteers:board"))  # warms the content-type cache
    counts = []
    for rows in (2, 50):
        factories.VolunteerFactory.create_batch(
            rows - cambridgeshire.volunteers.count(), project=cambridgeshire
        )
        # 12 with sessions in the database, fewer in Redis; the device lookup included.
        with django_assert_max_num_queries(12) as queries:
            response = client.get(reverse("volunteers:board"))
        assert len(response.context["page"].object_list) == min(rows, 25)  # the first page
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Recording steps from the record page ---------------------------------------


def test_a_manager_records_an_interview(cast, client_for, applicant):
    url = reverse("volunteers:record_interview", args=[applicant.pk])
    response = client_for(cast["alice"]).post(
        url,
        {
            "interview-kind": "informal",
            "interview-outcome": "passed",
            "interview-held_on": TODAY.isoformat(),
            "interview-notes": "Warm, thoughtful.",
        },
    )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.stage == Stage.INTERVIEWING


def test_a_bad_certificate_number_is_shown_next_to_the_field(cast, client_for, applicant):
    url = reverse("volunteers:record_dbs_check", args=[applicant.pk])
    response = client_for(cast["alice"]).post(
        url,
        {
            "dbs-certificate_number": "12345",
            "dbs-issued_on": TODAY.isoformat(),
            "dbs-result": "clear",
            "dbs-barred_list_checked": "on",
        },
    )
    assert response.status_code == 400
    assert "certificate_number" in response.context["dbs_form"].errors
    assert 'value="12345"' in response.content.decode()


def test_a_future_date_from_the_service_is_shown_next_to_the_field(cast, client_for, applicant):
    url = reverse("volunteers:record_reference", args=[applicant.pk])
    response = client_for(cast["alice"]).post(
        url,
        {
            "reference-referee_name": "Ruth",
            "reference-relationship": "Employer",
            "reference-outcome": "satisfactory",
            "reference-received_on": (TODAY + datetime.timedelta(days=2)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "received_on" in response.context["reference_form"].errors


def test_sign_off_is_refused_with_every_blocker_shown(cast, client_for, applicant):
    client = client_for(cast["alice"])
    response = client.post(reverse("volunteers:sign_off", args=[applicant.pk]), follow=True)
    page = response.content.decode()
    assert "Informal interview: not recorded yet." in page
    assert "0 of 18 hours of initial training attended." in page
    applicant.refresh_from_db()
    assert applicant.stage == Stage.APPLIED


def test_sign_off_through_the_page(cast, client_for, applicant):
    all_steps(applicant, cast["alice"])
    client = client_for(cast["alice"])
    response = client.post(reverse("volunteers:sign_off", args=[applicant.pk]))
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.stage == Stage.READY and applicant.user is not None


def test_not_progressed_and_reopen_through_the_page(cast, client_for, applicant):
    client = client_for(cast["alice"])
    response = client.post(
        reverse("volunteers:not_progressed", args=[applicant.pk]),
        {"not_progressed-reason": "", "not_progressed-alternative_suggested": ""},
    )
    assert response.status_code == 400
    client.post(
        reverse("volunteers:not_progressed", args=[applicant.pk]),
        {
            "not_progressed-reason": "Moving away.",
            "not_progressed-alternative_suggested": "Volunteer centre in Leeds.",
        },
    )
    applicant.refresh_from_db()
    assert applicant.stage == Stage.NOT_PROGRESSED
    page = client.get(reverse("volunteers:detail", args=[applicant.pk])).content.decode()
    assert "Volunteer centre in Leeds." in page and "Reopen the record" in page
    client.post(reverse("volunteers:reopen", args=[applicant.pk]), {"reopen-reason": "Stayed."})
    applicant.refresh_from_db()
    assert applicant.stage == Stage.APPLIED


def test_accepting_a_disclosure_through_the_page(cast, client_for, applicant):
    check = clear_dbs(applicant, cast["alice"], result="disclosure")
    url = reverse("volunteers:accept_disclosure", args=[applicant.pk, check.pk])
    client_for(cast["alice"]).post(url, {"disclosure-risk_assessment": "Old, minor; assessed."})
    check.refresh_from_db()
    assert check.disclosure_accepted_by == cast["alice"]


def test_a_disclosure_of_another_volunteer_cannot_be_accepted_through_this_record(
    cast, client_for, applicant, cambridgeshire
):
    other = factories.VolunteerFactory(project=cambridgeshire)
    check = clear_dbs(other, cast["alice"], result="disclosure")
    url = reverse("volunteers:accept_disclosure", args=[applicant.pk, check.pk])
    response = client_for(cast["alice"]).post(url, {"disclosure-risk_assessment": "x"})
    assert response.status_code == 400
    check.refresh_from_db()
    assert check.disclosure_accepted_at is None


def test_supervision_through_the_page(cast, client_for, applicant):
    signed_off(applicant, cast["alice"])
    response = client_for(cast["alice"]).post(
        reverse("volunteers:record_supervision", args=[applicant.pk]),
        {"supervision-held_on": TODAY.isoformat(), "supervision-notes": "All well."},
    )
    assert response.status_code == 302
    assert applicant.supervisions.count() == 1


# --- Training sessions and the register -------------------------------------------


def test_a_manager_adds_a_session_and_ticks_several_volunteers(
    cast, client_for, cambridgeshire, applicant, southend
):
    others = factories.VolunteerFactory.create_batch(2, project=cambridgeshire)
    elsewhere = factories.VolunteerFactory(project=southend)
    client = client_for(cast["alice"])
    response = client.post(
        reverse("volunteers:training_create"),
        {
            "project": cambridgeshire.pk,
            "title": "Safeguarding basics",
            "held_on": (TODAY - datetime.timedelta(days=1)).isoformat(),
            "hours": "6",
            "kind": "initial",
        },
    )
    assert response.status_code == 302
    session_url = response["Location"]
    page = client.get(session_url)
    queryset = page.context["form"].fields["volunteers"].queryset
    assert elsewhere not in queryset and applicant in queryset
    response = client.post(
        session_url, {"volunteers": [applicant.pk, others[0].pk, others[1].pk], "hours": "6"}
    )
    assert response.status_code == 302
    assert TrainingAttendance.objects.count() == 3
    response = client.post(session_url, {"volunteers": [elsewhere.pk], "hours": "6"})
    assert response.status_code == 400
    assert not TrainingAttendance.objects.filter(volunteer=elsewhere).exists()
    assert "Safeguarding basics" in client.get(reverse("volunteers:training_list")).content.decode()


def test_a_manager_cannot_add_a_session_to_another_project(cast, client_for, southend):
    response = client_for(cast["alice"]).post(
        reverse("volunteers:training_create"),
        {
            "project": southend.pk,
            "title": "Sneaky",
            "held_on": TODAY.isoformat(),
            "hours": "2",
            "kind": "workshop",
        },
    )
    assert response.status_code == 200
    assert "project" in response.context["form"].errors


def test_the_training_list_issues_a_constant_number_of_queries(
    cast, client_for, cambridgeshire, django_assert_max_num_queries
):
    client = client_for(cast["alice"])
    client.get(reverse("volunteers:training_list"))  # warms the content-type cache
    counts = []
    for rows in (2, 50):
        factories.TrainingSessionFactory.create_batch(
            rows - cambridgeshire.training_sessions.count(), project=cambridgeshire
        )
        # 10 with sessions in the database, fewer in Redis; the device lookup included.
        with django_assert_max_num_queries(10) as queries:
            response = client.get(reverse("volunteers:training_list"))
        assert len(response.context["page"].object_list) == min(rows, 25)  # the first page
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Home pages -----------------------------------------------------------------


@pytest.mark.usefixtures("reference_data")
def test_the_managers_home_shows_counts_overdue_supervision_and_dbs_renewals(
    cast, client_for, applicant, cambridgeshire, southend
):
    alice = cast["alice"]
    renewal = factories.VolunteerFactory(project=cambridgeshire, first_name="Rena")
    all_steps(renewal, alice)
    renewal.dbs_checks.update(issued_on=TODAY.replace(year=TODAY.year - 3) + datetime.timedelta(70))
    signed_off(applicant, alice)
    elsewhere = factories.VolunteerFactory(project=southend, first_name="Sid")
    signed_off(elsewhere, cast["charlie"])
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        page = client_for(alice).get(reverse("vicp:home")).content.decode()
    assert "Supervision overdue" in page and "Amira Khan" in page
    assert "Rena" in page and "re-check due by" in page
    assert "Sid" not in page


def test_the_volunteers_home_shows_hours_and_next_supervision(cast, client_for, applicant):
    signed_off(applicant, cast["alice"])
    page = client_for(applicant.user).get(reverse("vicp:home")).content.decode()
    assert "18 of 18 hours" in page and reverse("volunteers:my_record") in page


def test_leaving_through_the_page(cast, client_for, applicant):
    signed_off(applicant, cast["alice"])
    url = reverse("volunteers:record_leaving", args=[applicant.pk])
    assert client_for(cast["charlie"]).post(url, {"leaving-reason": "x"}).status_code == 404
    client = client_for(cast["alice"])
    assert client.post(url, {"leaving-reason": ""}).status_code == 400
    assert client.post(url, {"leaving-reason": "New job."}).status_code == 302
    applicant.refresh_from_db()
    assert applicant.stage == Stage.LEFT
