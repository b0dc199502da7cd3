"""End-of-work evaluations by the social worker and the volunteer: the service, the
forms, who may give and read them, closing a case, and the home-page lists."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from families import services as family_services
from families.models import Family
from families.services import end_match
from outcomes import policy, services
from outcomes.models import Evaluation, Question, Questionnaire
from outcomes.selectors import (
    evaluations_awaiting,
    evaluations_awaiting_panel,
    missing_evaluations_of,
)
from tests import factories
from vicp.composition import reminders
from vicp.models import AuditEvent

from .helpers import accepted_family, closed, worked_with
from .test_family_link import mentions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

SW_ANSWERS = {
    "helpful": 4,
    "engagement": 3,
    "partnership": 5,
    "changes": "Mornings are calmer and Amy is at school on time.",
}
VOLUNTEER_ANSWERS = {"went-well": 4, "supported": 5, "changes": "Mum plans the week now."}


@pytest.fixture
def worked(cambridgeshire, alice, sam):
    """The Doe family, whose volunteer's 26-week match has ended and whose case is closed."""
    family = accepted_family(cambridgeshire, alice, sam)
    match = worked_with(family, alice)
    return closed(family, alice, match=match), match


@pytest.fixture
def case(worked):
    return worked[0]


@pytest.fixture
def former(worked):
    """The volunteer who worked with the family; their match has ended."""
    return worked[1].volunteer.user


def evaluate_url(family, respondent):
    return reverse("outcomes:evaluate", args=[family.pk, respondent])


# --- The service ------------------------------------------------------------------------------


def test_it_records_the_social_workers_evaluation_with_the_question_texts(case, sam):
    evaluation = services.submit_evaluation(
        family=case, respondent="social_worker", answers=SW_ANSWERS, by=sam
    )
    assert evaluation.answers == SW_ANSWERS
    assert evaluation.submitted_by == sam
    assert evaluation.rows()[0] == (
        "Overall, how helpful was the volunteer's support to the family?",
        4,
    )
    event = AuditEvent.objects.get(action="evaluation.submitted")
    assert (event.actor, event.object_id, event.project) == (
        sam,
        str(evaluation.pk),
        case.project,
    )


def test_one_evaluation_per_respondent(case, sam, alice):
    services.submit_evaluation(family=case, respondent="social_worker", answers=SW_ANSWERS, by=sam)
    with pytest.raises(ValidationError, match="submitted already"):
        services.submit_evaluation(
            family=case, respondent="social_worker", answers=SW_ANSWERS, by=alice
        )
    assert Evaluation.objects.filter(family=case).count() == 1


def test_each_unanswered_or_wrong_answer_has_its_own_message(case, sam):
    with pytest.raises(ValidationError) as refused:
        services.submit_evaluation(
            family=case,
            respondent="social_worker",
            answers={"helpful": "7", "engagement": "", "changes": "x" * 4001},
            by=sam,
        )
    assert refused.value.message_dict == {
        "helpful": ["Choose a rating from 1 to 5."],
        "engagement": ["Choose a rating from 1 to 5."],
        "partnership": ["Choose a rating from 1 to 5."],
        "changes": ["Please keep this under 4000 characters."],
    }
    assert not Evaluation.objects.exists()


def test_optional_questions_may_be_left_out(case, sam):
    evaluation = services.submit_evaluation(
        family=case, respondent="social_worker", answers=SW_ANSWERS, by=sam
    )
    assert "improve" not in evaluation.answers


def test_who_may_give_which_evaluation(case, cast, former):
    may = policy.may_evaluate
    assert may(cast["alice"], case, "social_worker")  # a paper form, entered by the manager
    assert may(cast["alice"], case, "volunteer")
    assert may(cast["sam"], case, "social_worker")
    assert not may(cast["sam"], case, "volunteer")
    assert may(former, case, "volunteer")  # after the match ended
    assert not may(former, case, "social_worker")
    for outsider in ("charlie", "sally", "una", "vera", "ada"):
        assert may(cast[outsider], case, "volunteer") is (outsider == "ada")
    for who in ("alice", "sam", "ada"):
        assert not may(cast[who], case, "family")  # only through the family's link


def test_a_family_that_never_had_a_volunteer_has_nothing_to_evaluate(cambridgeshire, alice, sam):
    family = closed(accepted_family(cambridgeshire, alice, sam), alice)
    with pytest.raises(ValidationError, match="not worked with a volunteer"):
        services.submit_evaluation(
            family=family, respondent="social_worker", answers=SW_ANSWERS, by=sam
        )
    assert missing_evaluations_of(family) == []
    assert evaluations_awaiting(sam) == []


def test_what_each_person_is_asked_for(case, alice, sam, former):
    assert missing_evaluations_of(case) == ["Social worker", "Volunteer", "Family"]
    assert evaluations_awaiting(alice) == [(case, ["Social worker", "Volunteer", "Family"])]
    assert evaluations_awaiting(sam) == [(case, ["Social worker"])]
    assert evaluations_awaiting(former) == [(case, ["Volunteer"])]
    services.submit_evaluation(
        family=case, respondent="volunteer", answers=VOLUNTEER_ANSWERS, by=former
    )
    assert evaluations_awaiting(former) == []
    assert evaluations_awaiting(alice) == [(case, ["Social worker", "Family"])]


def test_a_volunteer_is_asked_once_the_work_with_the_family_has_ended(cambridgeshire, alice, sam):
    family = accepted_family(cambridgeshire, alice, sam)
    match = worked_with(family, alice)
    volunteer = match.volunteer.user
    assert evaluations_awaiting(volunteer) == []

    end_match(match, by=alice, reason="planned")
    assert [row[0].pk for row in evaluations_awaiting(volunteer)] == [family.pk]


def test_a_volunteer_who_left_early_is_not_asked_while_another_carries_on(
    cambridgeshire, alice, sam
):
    family = accepted_family(cambridgeshire, alice, sam)
    first = worked_with(family, alice, weeks=20)
    end_match(first, by=alice, reason="volunteer_left")
    second = worked_with(family, alice, weeks=10)
    assert evaluations_awaiting(first.volunteer.user) == []
    end_match(second, by=alice, reason="planned")
    for match in (first, second):
        assert [row[0].pk for row in evaluations_awaiting(match.volunteer.user)] == [family.pk]


# --- The form page ----------------------------------------------------------------------------


def test_the_social_worker_sees_the_questionnaire(case, sam, client_for):
    response = client_for(sam).get(evaluate_url(case, "social_worker"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Social worker&#x27;s evaluation" in page
    assert "How well did the family engage with the volunteer?" in page
    assert 'type="radio" name="helpful" value="1"' in page
    assert "1 (not at all)" in page and "5 (very)" in page
    assert '<textarea name="changes"' in page
    assert "(optional)" in page  # "What could the programme do better?"


def test_bad_answers_are_shown_next_to_each_question_and_nothing_typed_is_lost(
    case, sam, client_for
):
    response = client_for(sam).post(
        evaluate_url(case, "social_worker"),
        {
            "helpful": "4",
            "partnership": "9",
            "changes": "",
            "improve": "More joint visits & <b>earlier</b> contact.",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {
        "engagement": ["Choose a rating from 1 to 5."],
        "partnership": ["Choose a rating from 1 to 5."],
        "changes": ["Please answer this question."],
    }
    page = response.content.decode()
    assert 'id="id_engagement_error"' in page and 'id="id_changes_error"' in page
    assert 'aria-describedby="id_changes_error"' in page
    assert 'value="4" class="form-check-input" id="id_helpful_3" required checked' in page
    assert "More joint visits &amp; &lt;b&gt;earlier&lt;/b&gt; contact.</textarea>" in page
    assert not Evaluation.objects.exists()


def test_the_social_worker_gives_their_evaluation(case, sam, client_for):
    client = client_for(sam)
    response = client.post(evaluate_url(case, "social_worker"), SW_ANSWERS, follow=True)
    assert response.redirect_chain == [
        (reverse("families:outcomes", args=[case.pk]) + "#evaluations", 302)
    ]
    evaluation = Evaluation.objects.get(family=case, respondent="social_worker")
    assert evaluation.answers == SW_ANSWERS
    page = response.content.decode()
    assert f"your evaluation of case {case.case_reference} is saved" in page
    assert "Mornings are calmer and Amy is at school on time." in page  # on the family page
    assert "4 out of 5" in page

    # Again: it says so, and shows what was given; a second post changes nothing.
    again = client.get(evaluate_url(case, "social_worker"))
    assert "There is nothing more to do" in again.content.decode()
    client.post(evaluate_url(case, "social_worker"), {**SW_ANSWERS, "helpful": "1"})
    evaluation.refresh_from_db()
    assert evaluation.answers["helpful"] == 4


def test_a_manager_enters_a_paper_evaluation_on_someones_behalf(case, alice, client_for):
    client = client_for(alice)
    page = client.get(evaluate_url(case, "volunteer")).content.decode()
    assert "on their behalf" in page
    response = client.post(evaluate_url(case, "volunteer"), VOLUNTEER_ANSWERS)
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(family=case, respondent="volunteer")
    assert evaluation.submitted_by == alice


def test_the_volunteer_of_an_ended_match_evaluates_but_sees_nothing_else_of_the_family(
    case, former, client_for
):
    client = client_for(former)
    assert client.get(reverse("families:detail", args=[case.pk])).status_code == 404

    response = client.get(evaluate_url(case, "volunteer"))
    assert response.status_code == 200
    page = response.content.decode()
    assert case.case_reference in page
    for private in ("Doe", "Amy", "Ben", case.address, case.postcode):
        assert not mentions(page, private), private

    response = client.post(evaluate_url(case, "volunteer"), VOLUNTEER_ANSWERS, follow=True)
    assert response.redirect_chain == [(reverse("vicp:home"), 302)]
    assert Evaluation.objects.get(family=case, respondent="volunteer").submitted_by == former
    assert f"your evaluation of case {case.case_reference} is saved" in response.content.decode()


def test_a_page_for_a_family_without_a_volunteer_says_there_is_nothing_yet(
    family, alice, client_for
):
    response = client_for(alice).get(evaluate_url(family, "social_worker"))
    assert response.status_code == 200
    assert "nothing to evaluate yet" in response.content.decode()
    assert "form" not in response.context


# --- Permissions, in threes -------------------------------------------------------------------


def _assert_login(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("respondent", "allowed", "refused"),
    [
        ("social_worker", ["alice", "sam"], ["charlie", "sally", "vera", "una", "former"]),
        ("volunteer", ["alice", "former"], ["charlie", "sally", "sam", "vera", "una"]),
    ],
)
def test_who_reaches_the_evaluation_form(
    respondent, allowed, refused, case, cast, former, client, client_for
):
    people = {**cast, "former": former}
    url = evaluate_url(case, respondent)
    _assert_login(client.get(url))
    _assert_login(client.post(url, {}))
    for who in refused:
        signed_in = client_for(people[who])
        assert signed_in.get(url).status_code == 404, who
        assert signed_in.post(url, SW_ANSWERS | VOLUNTEER_ANSWERS).status_code == 404, who
        signed_in.logout()
    for who in allowed:
        assert client_for(people[who]).get(url).status_code == 200, who
    assert not Evaluation.objects.exists()


def test_a_refused_evaluation_form_is_in_the_audit_log(case, cast, client_for):
    for who in ("charlie", "una", "sam"):
        client_for(cast[who]).get(evaluate_url(case, "volunteer"))
    refused = AuditEvent.objects.filter(action="access.refused", object_id=str(case.pk))
    assert {event.actor.email for event in refused} == {
        "charlie@example.org",
        "una@example.org",
        "sam@example.org",
    }


def test_only_the_two_kinds_with_an_account_have_a_form(case, alice, client_for):
    for respondent in ("family", "anyone"):
        assert client_for(alice).get(evaluate_url(case, respondent)).status_code == 404


def test_who_makes_a_link_for_the_family(case, cast, former, client, client_for):
    url = reverse("outcomes:family_evaluation_link", args=[case.pk])
    _assert_login(client.post(url))
    for who in ("charlie", "sam", "sally", "una"):
        assert client_for(cast[who]).post(url).status_code == 404, who
    assert client_for(former).post(url).status_code == 404
    assert not case.evaluation_links.exists()
    assert client_for(cast["alice"]).get(url).status_code == 405
    response = client_for(cast["alice"]).post(url)
    assert response.status_code == 200
    assert case.evaluation_links.count() == 1


def test_who_emails_the_family_their_link(
    case, cast, client, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    Family.objects.filter(pk=case.pk).update(email="doe.family@example.org")
    services.family_evaluation_link(case, by=cast["alice"])
    url = reverse("outcomes:email_family_evaluation_link", args=[case.pk])
    _assert_login(client.post(url))
    for who in ("charlie", "sam", "una"):
        assert client_for(cast[who]).post(url).status_code == 404, who
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast["alice"]).post(url)
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["doe.family@example.org"]]


# --- The family page --------------------------------------------------------------------------


def test_the_manager_sees_what_is_missing_and_can_ask_for_it(case, alice, client_for):
    client = client_for(alice)
    overview = client.get(reverse("families:detail", args=[case.pk])).content.decode()
    assert "This case is closed. Evaluations still to come:" in overview
    assert "social worker's, volunteer's and family's" in overview
    assert reverse("families:outcomes", args=[case.pk]) + "#evaluations" in overview
    page = client.get(reverse("families:outcomes", args=[case.pk])).content.decode()
    assert reverse("outcomes:family_evaluation_link", args=[case.pk]) in page
    assert "Make a link for the family" in page
    assert evaluate_url(case, "social_worker") in page  # to enter a paper form
    assert evaluate_url(case, "volunteer") in page


def test_the_family_page_shows_all_three_to_the_manager_and_the_social_worker(
    case, alice, sam, former, client_for
):
    services.submit_evaluation(family=case, respondent="social_worker", answers=SW_ANSWERS, by=sam)
    services.submit_evaluation(
        family=case, respondent="volunteer", answers=VOLUNTEER_ANSWERS, by=former
    )
    for who in (alice, sam):
        page = client_for(who).get(reverse("families:outcomes", args=[case.pk])).content.decode()
        assert "Mornings are calmer" in page and "Mum plans the week now." in page
        assert "Still to come:</strong> family's evaluation." in page


def test_a_matched_volunteer_sees_only_their_own_evaluation(match, sam, alice, client_for):
    end_match(match, by=alice, reason="volunteer_left")
    services.submit_evaluation(
        family=match.family, respondent="social_worker", answers=SW_ANSWERS, by=sam
    )
    second = worked_with(match.family, alice, weeks=1)  # a new volunteer takes over
    page = (
        client_for(second.volunteer.user)
        .get(reverse("families:outcomes", args=[match.family_id]))
        .content.decode()
    )
    assert "Your evaluation" in page
    assert "when your time with the family ends" in page
    assert "Mornings are calmer" not in page
    assert "Social worker&#x27;s evaluation" not in page
    assert "Give your evaluation" not in page  # not before the work ends


def test_closing_a_case_asks_for_the_three(match, alice, client_for):
    end_match(match, by=alice, reason="planned")
    response = client_for(alice).post(
        reverse("families:close_case", args=[match.family_id]),
        {"close-reason": "The work is done.", "close-missing_reason": "disengaged"},
        follow=True,
    )
    page = response.content.decode()
    assert "The case is closed." in page
    assert (
        "Now ask for the end-of-work evaluations from the social worker, the volunteer and "
        "the family." in page
    )
    outcomes = reverse("families:outcomes", args=[match.family_id])
    assert outcomes + "#evaluations" in page
    assert "Make a link for the family" in client_for(alice).get(outcomes).content.decode()


# --- Home pages -------------------------------------------------------------------------------


def test_home_pages_list_the_evaluations_each_person_is_asked_for(
    case, alice, sam, former, client_for
):
    manager_page = client_for(alice).get(reverse("vicp:home")).content.decode()
    assert "Evaluations still to come" in manager_page
    assert reverse("families:outcomes", args=[case.pk]) + "#evaluations" in manager_page
    assert "Social worker, Volunteer, Family" in manager_page

    social_worker_page = client_for(sam).get(reverse("vicp:home")).content.decode()
    assert "Evaluations waiting for you" in social_worker_page
    assert evaluate_url(case, "social_worker") in social_worker_page

    volunteer_page = client_for(former).get(reverse("vicp:home")).content.decode()
    assert "Your evaluation is waiting" in volunteer_page
    assert evaluate_url(case, "volunteer") in volunteer_page
    assert case.case_reference in volunteer_page
    assert not mentions(volunteer_page, "Doe")  # the case reference only, now the match has ended

    services.submit_evaluation(family=case, respondent="social_worker", answers=SW_ANSWERS, by=sam)
    assert (
        "Evaluations waiting for you"
        not in client_for(sam).get(reverse("vicp:home")).content.decode()
    )


@pytest.mark.parametrize("who", ["manager", "social_worker", "volunteer"])
def test_home_page_lists_take_the_same_queries_for_2_and_50_closed_cases(
    who, cambridgeshire, alice, sam, rf
):
    volunteer = factories.ReadyVolunteerFactory(project=cambridgeshire, signed_off_by=alice)
    user = {"manager": alice, "social_worker": sam, "volunteer": volunteer.user}[who]
    panel = Template('{% load vicp_panels %}{% panel "outcomes/_evaluations_awaiting.html" data %}')
    request = rf.get("/")
    request.user = user
    counts = []
    for total in (2, 50):
        while Family.objects.filter(status=Family.Status.CLOSED).count() < total:
            family = accepted_family(cambridgeshire, alice, sam)
            closed(family, alice, match=worked_with(family, alice, volunteer=volunteer))
        with CaptureQueriesContext(connection) as queries:
            data = evaluations_awaiting_panel(user)
            html = panel.render(Context({"request": request, "data": data}))
        counts.append(len(queries))
        link = {
            "manager": "#evaluations",
            "social_worker": "/evaluation/social_worker/",
            "volunteer": "/evaluation/volunteer/",
        }[who]
        assert html.count(link) == min(total, 25)  # the first 25, then a count
    assert counts[0] == counts[1]


# --- Admin: the questions are data --------------------------------------------------------------


def test_admins_reword_retire_and_add_questions(client_for, ada, case, sam):
    questionnaire = Questionnaire.objects.get(respondent="social_worker")
    questions = list(questionnaire.questions.all())
    client = client_for(ada)
    url = reverse("admin:outcomes_questionnaire_change", args=[questionnaire.pk])
    assert client.get(url).status_code == 200
    data = {
        "title": questionnaire.title,
        "introduction": questionnaire.introduction,
        "questions-TOTAL_FORMS": str(len(questions) + 1),
        "questions-INITIAL_FORMS": str(len(questions)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for i, question in enumerate(questions):
        data |= {
            f"questions-{i}-id": question.pk,
            f"questions-{i}-questionnaire": questionnaire.pk,
            f"questions-{i}-position": question.position,
            f"questions-{i}-slug": "renamed",  # ignored: answers are stored under the slug
            f"questions-{i}-text": question.text,
            f"questions-{i}-kind": "text",  # ignored too
            f"questions-{i}-required": "on" if question.required else "",
            f"questions-{i}-is_active": "on",
        }
    data["questions-0-text"] = "How much did the volunteer help the family?"
    data["questions-4-is_active"] = ""  # retire "What could the programme do better?"
    new = len(questions)
    data |= {
        f"questions-{new}-questionnaire": questionnaire.pk,
        f"questions-{new}-position": "9",
        f"questions-{new}-slug": "school",
        f"questions-{new}-text": "Did school attendance change?",
        f"questions-{new}-kind": "rating",
        f"questions-{new}-required": "",
        f"questions-{new}-is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    helpful = Question.objects.get(pk=questions[0].pk)
    assert (helpful.slug, helpful.kind, helpful.text) == (
        "helpful",
        "rating",
        "How much did the volunteer help the family?",
    )

    page = client_for(sam).get(evaluate_url(case, "social_worker")).content.decode()
    assert "How much did the volunteer help the family?" in page
    assert "Did school attendance change?" in page
    assert "What could the programme do better?" not in page


def test_questionnaires_are_not_added_or_deleted_and_evaluations_are_read_only(
    client_for, ada, case, sam
):
    evaluation = services.submit_evaluation(
        family=case, respondent="social_worker", answers=SW_ANSWERS, by=sam
    )
    client = client_for(ada)
    questionnaire = Questionnaire.objects.get(respondent="family")
    assert client.get(reverse("admin:outcomes_questionnaire_add")).status_code == 403
    delete = reverse("admin:outcomes_questionnaire_delete", args=[questionnaire.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:outcomes_evaluation_add")).status_code == 403
    change = reverse("admin:outcomes_evaluation_change", args=[evaluation.pk])
    assert client.get(change).status_code == 200  # to read
    assert client.post(change, {"answers": "{}"}).status_code == 403
    evaluation.refresh_from_db()
    assert evaluation.answers == SW_ANSWERS


def test_no_evaluation_or_family_link_while_a_volunteer_is_still_working(match, sam, alice):
    with pytest.raises(ValidationError, match="once the volunteer's work with the family has"):
        services.submit_evaluation(
            family=match.family, respondent="social_worker", answers=SW_ANSWERS, by=sam
        )
    with pytest.raises(ValidationError, match="once the volunteer's work with the family has"):
        services.family_evaluation_link(match.family, by=alice)
    assert not Evaluation.objects.exists()


def test_a_page_for_a_family_still_working_with_a_volunteer_says_not_yet(match, sam, client_for):
    response = client_for(sam).get(evaluate_url(match.family, "social_worker"))
    assert response.status_code == 200
    assert "once the volunteer's work with the family has ended" in response.content.decode()
    assert "form" not in response.context


@pytest.mark.parametrize(("days_ago", "asked"), [(183, True), (184, False)])
def test_evaluations_are_asked_for_six_months_after_closure(
    case, alice, sam, former, days_ago, asked
):
    closed_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    Family.objects.filter(pk=case.pk).update(closed_on=closed_on)
    case.matches.update(started_on=closed_on - datetime.timedelta(weeks=26), ended_on=closed_on)
    for user in (alice, sam, former):
        assert bool(evaluations_awaiting(user)) is asked, user


# --- One rule for who is asked, on the home page and in the reminders -----------------------


def test_asked_when_the_match_ends_and_reminded_a_week_after_closure(cambridgeshire, alice, sam):
    family = accepted_family(cambridgeshire, alice, sam)
    match = worked_with(family, alice)
    volunteer = match.volunteer.user
    family_services.end_match(match, by=alice, reason="planned")

    # The match has ended, the case is still open: asked on the home page, not reminded.
    assert [f for f, _ in evaluations_awaiting(volunteer)] == [family]
    assert reminders.volunteer_items(volunteer, timezone.localdate()) == []

    today = timezone.localdate()
    closed(family, alice, closed_on=today - datetime.timedelta(days=6))
    for user in (volunteer, sam, alice):
        assert [f for f, _ in evaluations_awaiting(user)] == [family]  # the home page
        assert evaluations_awaiting(user, on=today, reminders=True) == []  # day 6: not yet
    assert not reminders._evaluation_items(volunteer, today)

    closed_on = today - datetime.timedelta(days=7)
    type(family).objects.filter(pk=family.pk).update(closed_on=closed_on)
    for user in (volunteer, sam, alice):
        assert [f for f, _ in evaluations_awaiting(user, on=today, reminders=True)] == [family]
    (item,) = reminders._evaluation_items(volunteer, today)
    assert family.case_reference in item.text
