"""The family's evaluation link: signed, single use, 30 days, no account, and nothing on
the page but the questionnaire. A used, expired, replaced or altered link gets a friendly
page, never an error."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from families.models import Family
from outcomes import family_links, services
from outcomes.evaluation_tasks import send_family_evaluation_link
from outcomes.evaluation_views import FAMILY_POSTS_PER_HOUR, rate_limit_key
from outcomes.models import Evaluation, FamilyEvaluationLink
from vicp.models import AuditEvent

from .helpers import accepted_family, closed, worked_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

ANSWERS = {
    "helpful": "5",
    "listened": "4",
    "confident": "4",
    "best": "Someone on our side at school meetings.",
    "better": "",
}
# What the family's pages must never show: the family, its children, its case.
PRIVATE = ("Doe", "Amy", "Ben", "Cambridgeshire", "CB4 1AA", "Test Road")


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """Forget earlier answers from the test addresses (only those keys: the cache may
    share Redis with the Celery broker)."""
    keys = [rate_limit_key(ip) for ip in ("127.0.0.1", "192.0.2.99")]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


@pytest.fixture
def case(cambridgeshire, alice, sam):
    family = accepted_family(cambridgeshire, alice, sam, email="doe.family@example.org")
    return closed(family, alice, match=worked_with(family, alice))


def make_link(family, manager):
    """The path of a new link for the family (its URL without the site's address)."""
    url = services.family_evaluation_link(family, by=manager)
    assert url.startswith(settings.VICP_BASE_URL)
    return url.removeprefix(settings.VICP_BASE_URL)


@pytest.fixture
def link(case, alice):
    return make_link(case, alice)


def mentions(text, words):
    """Whether `text` has `words` as words (not by chance inside a random token)."""
    return re.search(rf"\b{re.escape(words)}\b", text) is not None


def assert_private(response, family):
    page = response.content.decode()
    for private in (*PRIVATE, family.case_reference):
        assert not mentions(page, private), private


def family_evaluations():
    return Evaluation.objects.filter(respondent="family")


# --- Opening and answering --------------------------------------------------------------------


def test_the_family_sees_the_questionnaire_and_nothing_else(client, case, link):
    response = client.get(link)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your views on having a volunteer" in page
    assert "How well did your volunteer listen to you?" in page
    assert "1 (not at all)" in page and "5 (very)" in page
    assert_private(response, case)
    assert reverse("login") not in page  # no navigation into the site
    assert 'name="viewport"' in page
    # Referers carry the site's address only, never the token.
    assert response["Referrer-Policy"] == "strict-origin"
    assert '<meta name="referrer" content="strict-origin">' in page
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_the_family_answers_once_and_is_thanked(client, case, link):
    response = client.post(link, ANSWERS)
    assert response.status_code == 302
    assert response["Location"] == reverse("outcomes:family_evaluation_thanks")
    evaluation = family_evaluations().get()
    assert evaluation.family == case
    assert evaluation.submitted_by is None
    assert evaluation.answers == {
        "helpful": 5,
        "listened": 4,
        "confident": 4,
        "best": "Someone on our side at school meetings.",
    }
    assert FamilyEvaluationLink.objects.get().used_at is not None
    event = AuditEvent.objects.get(action="evaluation.submitted")
    assert (event.actor, event.project, event.ip_address) == (None, case.project, "127.0.0.1")

    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "We have received your answers" in thanks.content.decode()
    assert_private(thanks, case)


def test_a_used_link_thanks_the_family_again_and_takes_nothing_more(client, case, link):
    client.post(link, ANSWERS)
    for response in (client.get(link), client.post(link, {**ANSWERS, "helpful": "1"})):
        assert response.status_code == 200
        page = response.content.decode()
        assert "we already have your answers" in page
        assert "<form" not in page
        assert_private(response, case)
    assert family_evaluations().get().answers["helpful"] == 5


def test_a_missing_rating_is_shown_next_to_the_question_and_the_text_is_kept(client, case, link):
    response = client.post(link, {**ANSWERS, "listened": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_listened_error">Choose a rating from 1 to 5.</p>' in page
    assert "Someone on our side at school meetings.</textarea>" in page
    assert 'value="5" class="form-check-input" id="id_helpful_4" required checked' in page
    assert not family_evaluations().exists()
    assert FamilyEvaluationLink.objects.get().used_at is None
    assert_private(response, case)
    assert client.post(link, ANSWERS).status_code == 302  # the same link still works


# --- Expired, replaced, altered ---------------------------------------------------------------


def test_a_link_works_for_30_days(client, case, alice):
    made = timezone.now()
    with time_machine.travel(made, tick=False):
        link = make_link(case, alice)
    with time_machine.travel(made + datetime.timedelta(days=29, hours=23)):
        assert client.get(link).status_code == 200
    with time_machine.travel(made + datetime.timedelta(days=30, seconds=1)):
        response = client.get(link)
        assert response.status_code == 410
        page = response.content.decode()
        assert "This link has expired" in page
        assert "ask your project for a new link" in page
        assert_private(response, case)
        assert client.post(link, ANSWERS).status_code == 410
    assert not family_evaluations().exists()


def test_an_expired_link_that_was_used_still_thanks_the_family(client, case, alice):
    made = timezone.now()
    with time_machine.travel(made, tick=False):
        link = make_link(case, alice)
        client.post(link, ANSWERS)
    with time_machine.travel(made + datetime.timedelta(days=45)):
        response = client.get(link)
    assert response.status_code == 200
    assert "we already have your answers" in response.content.decode()


def _altered(link, position):
    """The link with one character of its token changed."""
    token = link.rstrip("/").rsplit("/", 1)[1]
    char = token[position]
    token = token[:position] + ("B" if char != "B" else "C") + token[position + 1 :]
    return reverse("outcomes:family_evaluation", args=[token])


@pytest.mark.parametrize("position", [0, 5, -1], ids=["start", "payload", "signature"])
def test_an_altered_link_gets_a_friendly_page_and_saves_nothing(client, case, link, position):
    altered = _altered(link, position)
    response = client.get(altered)
    assert response.status_code == 404
    page = response.content.decode()
    assert "We could not open this link" in page
    assert "ask your project for a new link" in page
    assert_private(response, case)
    assert client.post(altered, ANSWERS).status_code == 404
    assert not family_evaluations().exists()
    assert FamilyEvaluationLink.objects.get().used_at is None


@pytest.mark.parametrize("token", ["nonsense", "a:b:c", "x" * 300, "%00", "1"])
def test_a_made_up_link_is_not_an_error(client, case, token):
    response = client.get(reverse("outcomes:family_evaluation", args=[token]))
    assert response.status_code == 404
    assert "We could not open this link" in response.content.decode()


def test_a_link_naming_no_link_row_is_refused(client, case, link):
    FamilyEvaluationLink.objects.all().delete()
    assert client.get(link).status_code == 404


def test_a_new_link_replaces_the_old_one(client, case, alice, link):
    newer = make_link(case, alice)
    response = client.get(link)
    assert response.status_code == 410
    assert "This link has been replaced" in response.content.decode()
    assert client.post(link, ANSWERS).status_code == 410
    assert not family_evaluations().exists()
    assert client.post(newer, ANSWERS).status_code == 302
    assert family_evaluations().count() == 1
    # Once the family has answered, the old link thanks them too.
    assert client.get(link).status_code == 200


def test_answers_are_rate_limited_per_address(client, case, link):
    for _ in range(FAMILY_POSTS_PER_HOUR):
        assert client.post(link, {**ANSWERS, "helpful": ""}).status_code == 400
    response = client.post(link, ANSWERS)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Please wait an hour" in page
    assert "Someone on our side at school meetings.</textarea>" in page  # nothing lost
    assert not family_evaluations().exists()
    assert client.get(link).status_code == 200  # opening the link is not limited
    other = client.post(link, ANSWERS, REMOTE_ADDR="192.0.2.99")
    assert other.status_code == 302


# --- The manager's side -----------------------------------------------------------------------


def test_the_manager_is_shown_the_link_once_with_advice(case, alice, client_for):
    client = client_for(alice)
    response = client.post(reverse("outcomes:family_evaluation_link", args=[case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    link = FamilyEvaluationLink.objects.get()
    url = family_links.family_link_url(link)
    token_start = url.rsplit("/", 2)[1].split(":")[0]
    assert f'value="{settings.VICP_BASE_URL}/outcomes/your-views/{token_start}' in page
    assert 'id="family-link"' in page and "readonly" in page
    assert "by text or email" in page
    assert "It works once, for 30 days" in page
    assert "Making a new link cancels this one." in page
    assert "Email it to the family at doe.family@example.org" in page
    assert "no-store" in response["Cache-Control"]
    # The family page says a link is out, but never shows it again.
    family_page = client.get(reverse("families:outcomes", args=[case.pk])).content.decode()
    assert "can be used until" in family_page
    assert token_start not in family_page
    event = AuditEvent.objects.get(action="evaluation.link_created")
    assert event.actor == alice and event.object_id == str(case.pk)


def test_no_email_button_for_a_family_without_an_address(case, alice, client_for):
    Family.objects.filter(pk=case.pk).update(email="")
    page = (
        client_for(alice)
        .post(reverse("outcomes:family_evaluation_link", args=[case.pk]))
        .content.decode()
    )
    assert "Email it to the family" not in page


def test_no_link_once_the_family_has_answered(client, case, alice, link, client_for):
    client.post(link, ANSWERS)
    response = client_for(alice).post(
        reverse("outcomes:family_evaluation_link", args=[case.pk]), follow=True
    )
    assert "The family has already given their evaluation." in response.content.decode()
    assert FamilyEvaluationLink.objects.count() == 1


def test_the_link_is_emailed_to_the_family_and_works(
    client, case, alice, link, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(alice).post(
            reverse("outcomes:email_family_evaluation_link", args=[case.pk]), follow=True
        )
    assert "The link is being emailed to the family at doe.family@example.org." in (
        response.content.decode()
    )
    (message,) = mailoutbox
    assert message.to == ["doe.family@example.org"]
    assert message.subject == "Your views on having a volunteer"
    for private in (case.case_reference, "Doe", "Amy", "Ben"):
        assert not mentions(message.body, private)
    emailed = next(line for line in message.body.splitlines() if "/your-views/" in line)
    client.logout()
    assert client.get(emailed.removeprefix(settings.VICP_BASE_URL)).status_code == 200
    assert AuditEvent.objects.filter(action="evaluation.link_emailed").count() == 1


def test_a_link_that_cannot_be_used_is_not_emailed(client, case, alice, link, mailoutbox):
    first = FamilyEvaluationLink.objects.get()
    make_link(case, alice)
    assert send_family_evaluation_link(first.pk) is False  # replaced meanwhile
    assert send_family_evaluation_link(424242) is False
    Family.objects.filter(pk=case.pk).update(email="")
    assert send_family_evaluation_link(FamilyEvaluationLink.objects.first().pk) is False
    assert mailoutbox == []


def test_emailing_needs_an_address_and_a_usable_link(case, alice, client_for, mailoutbox):
    client = client_for(alice)
    url = reverse("outcomes:email_family_evaluation_link", args=[case.pk])
    page = client.post(url, follow=True).content.decode()
    assert "no link that can still be used" in page
    Family.objects.filter(pk=case.pk).update(email="")
    make_link(case, alice)
    page = client.post(url, follow=True).content.decode()
    assert "no email address on record" in page
    assert mailoutbox == []


def test_the_worker_finds_the_email_task():
    """Celery's autodiscovery imports only tasks.py: the task must be registered the way
    a worker process starts, not only in this test process."""
    code = (
        "from vicp.celery import app; app.loader.import_default_modules(); "
        "print('outcomes.evaluation_tasks.email_family_evaluation_link' in app.tasks)"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr
