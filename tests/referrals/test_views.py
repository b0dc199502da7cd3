"""Referral pages: who may reach them, and the journeys through them."""

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from families.models import Family
from referrals.models import CPCategory, LevelOfNeed, Referral
from tests import factories
from tests.factories import make_referral, years_ago
from tests.formwalk import forms_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
CREATE = reverse("referrals:create")
QUEUE = reverse("referrals:queue")
MINE = reverse("referrals:mine")


def form_data(project, children, action="submit", **overrides):
    level = LevelOfNeed.for_project(project).get(ordinal=3)
    data = {
        "action": action,
        "project": project.pk,
        "family_name": "Nowak",
        "parents_carers": "Kasia Nowak (mum)",
        "address": "5 River Lane, Cambridge",
        "postcode": "CB2 3QQ",
        "level_of_need": level.pk,
        "reasons": "Mum is isolated and the children miss school.",
        "hopes": "Get the children to school.",
        "risk_details": "",
        "consent_given": "on",
        "children-TOTAL_FORMS": str(len(children)),
        "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "0",
        "children-MAX_NUM_FORMS": "1000",
        **overrides,
    }
    neglect = CPCategory.objects.get(slug="neglect")
    for i, (name, dob, plan) in enumerate(children):
        data |= {
            f"children-{i}-first_name": name,
            f"children-{i}-last_name": "Nowak",
            f"children-{i}-date_of_birth": dob.isoformat() if dob else "",
            f"children-{i}-plan_type": plan,
            f"children-{i}-cp_category": neglect.pk if plan == "cp" else "",
        }
    return {k: v for k, v in data.items() if v is not None}


TWO_CHILDREN = [("Zofia", years_ago(8), "cp"), ("Adam", years_ago(5), "cin")]


# --- who may reach the pages --------------------------------------------------------


@pytest.mark.parametrize("url", [CREATE, QUEUE, MINE])
def test_anonymous_visitors_are_asked_to_sign_in(client, url):
    assert client.get(url)["Location"].startswith(reverse("login"))


def test_volunteers_cannot_refer_or_see_referrals(client_for, vera, referral):
    client = client_for(vera)
    for url in (CREATE, QUEUE, MINE, reverse("referrals:detail", args=[referral.pk])):
        assert client.get(url).status_code == 404


def test_a_social_worker_without_a_project_cannot_refer(client_for, db):
    loner = factories.SocialWorkerFactory()
    assert client_for(loner).get(CREATE).status_code == 404


@pytest.mark.parametrize("who", ["sam", "alice", "ada"])
def test_social_workers_and_managers_reach_the_form(client_for, cast, who):
    assert client_for(cast[who]).get(CREATE).status_code == 200


def test_the_queue_is_for_managers(client_for, cast):
    assert client_for(cast["sam"]).get(QUEUE).status_code == 404
    assert client_for(cast["alice"]).get(QUEUE).status_code == 200


def test_a_referral_is_seen_by_its_social_worker_and_the_projects_managers(
    client_for, cast, referral, cambridgeshire
):
    url = reverse("referrals:detail", args=[referral.pk])
    colleague = factories.SocialWorkerFactory(email="colleague@example.org")
    assign_perm("vicp.refer_to_project", colleague, cambridgeshire)
    for who, status in [
        ("sam", 200),
        ("alice", 200),
        ("ada", 200),
        ("charlie", 404),
        ("sally", 404),
    ]:
        assert client_for(cast[who]).get(url).status_code == status, who
    assert client_for(colleague).get(url).status_code == 404  # same project, not theirs


def test_a_draft_is_seen_only_by_its_author(client_for, cast, cambridgeshire):
    draft = make_referral(cambridgeshire, cast["sam"])
    url = reverse("referrals:detail", args=[draft.pk])
    assert client_for(cast["sam"]).get(url).status_code == 200
    assert client_for(cast["alice"]).get(url).status_code == 404


# --- writing a referral ---------------------------------------------------------------


def test_a_social_worker_submits_a_referral_with_two_children(
    client_for, sam, alice, cambridgeshire, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(sam).post(CREATE, form_data(cambridgeshire, TWO_CHILDREN))
    referral = Referral.objects.get(family_name="Nowak")
    assert response["Location"] == reverse("referrals:detail", args=[referral.pk])
    assert referral.status == Referral.Status.SUBMITTED
    assert [c.first_name for c in referral.children.all()] == ["Zofia", "Adam"]
    assert referral.social_worker == sam
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]


def test_bad_input_is_shown_by_each_field_and_nothing_is_saved_or_lost(
    client_for, sam, cambridgeshire
):
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    data = form_data(
        cambridgeshire,
        [("Zofia", years_ago(8), "cp"), ("Adam", tomorrow, "cin")],
        consent_given=None,
    )
    response = client_for(sam).post(CREATE, data)
    assert response.status_code == 200
    assert "consent_given" in response.context["form"].errors
    assert "date_of_birth" in response.context["formset"].forms[1].errors
    page = response.content.decode()
    assert 'value="Zofia"' in page and 'value="Adam"' in page and "5 River Lane" in page
    assert not Referral.objects.exists()


def test_a_child_on_a_cp_plan_needs_a_category(client_for, sam, cambridgeshire):
    data = form_data(cambridgeshire, [("Zofia", years_ago(8), "cp")])
    data["children-0-cp_category"] = ""
    response = client_for(sam).post(CREATE, data)
    assert "cp_category" in response.context["formset"].forms[0].errors


def test_submitting_without_a_child_is_refused_and_the_work_kept_as_a_draft(
    client_for, sam, cambridgeshire
):
    response = client_for(sam).post(CREATE, form_data(cambridgeshire, []))
    assert "at least one child" in str(response.context["formset"].non_form_errors())
    draft = Referral.objects.get()
    assert draft.status == Referral.Status.DRAFT and draft.family_name == "Nowak"
    assert "Saved as a draft, so nothing is lost" in response.content.decode()
    # The page now changes that draft: sending it again makes no second referral.
    edit = reverse("referrals:edit", args=[draft.pk])
    assert f'action="{edit}"' in response.content.decode()
    client_for(sam).post(edit, form_data(cambridgeshire, TWO_CHILDREN))
    draft.refresh_from_db()
    assert Referral.objects.count() == 1
    assert draft.status == Referral.Status.SUBMITTED and draft.children.count() == 2


def test_a_refused_submit_of_a_draft_keeps_the_changes(client_for, sam, cambridgeshire):
    client = client_for(sam)
    client.post(CREATE, form_data(cambridgeshire, TWO_CHILDREN, action="save"))
    draft = Referral.objects.get()
    data = form_data(cambridgeshire, TWO_CHILDREN, hopes="Mum back at work.", consent_given=None)
    response = client.post(reverse("referrals:edit", args=[draft.pk]), data)
    assert "consent_given" in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.status == Referral.Status.DRAFT and draft.hopes == "Mum back at work."
    assert draft.children.count() == 2


def test_a_draft_may_be_incomplete_and_finished_later(client_for, sam, cambridgeshire):
    client = client_for(sam)
    data = form_data(cambridgeshire, [], action="save", reasons="", consent_given=None)
    response = client.post(CREATE, data)
    draft = Referral.objects.get()
    assert draft.status == Referral.Status.DRAFT
    assert response["Location"] == reverse("referrals:detail", args=[draft.pk])
    edit = reverse("referrals:edit", args=[draft.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, form_data(cambridgeshire, TWO_CHILDREN))
    draft.refresh_from_db()
    assert draft.status == Referral.Status.SUBMITTED
    assert draft.children.count() == 2
    assert client.get(edit).status_code == 404  # submitted: no more changes


def test_adding_a_child_keeps_what_was_typed_and_saves_the_draft(client_for, sam, cambridgeshire):
    data = form_data(cambridgeshire, [("Zofia", years_ago(8), "cp")], action="add_child")
    response = client_for(sam).post(CREATE, data)
    assert len(response.context["formset"].forms) == 2
    assert 'value="Zofia"' in response.content.decode()
    assert not response.context["formset"].forms[1].errors
    draft = Referral.objects.get()
    assert draft.status == Referral.Status.DRAFT
    assert [c.first_name for c in draft.children.all()] == ["Zofia"]
    assert f'action="{reverse("referrals:edit", args=[draft.pk])}"' in response.content.decode()


def test_adding_a_child_to_a_form_that_cannot_be_saved_keeps_what_was_typed(
    client_for, sam, cambridgeshire
):
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    data = form_data(cambridgeshire, [("Zofia", tomorrow, "cp")], action="add_child")
    response = client_for(sam).post(CREATE, data)
    assert len(response.context["formset"].forms) == 2
    assert "date_of_birth" in response.context["formset"].forms[0].errors
    assert 'value="Zofia"' in response.content.decode()
    assert not Referral.objects.exists()


def test_removing_a_child(client_for, sam, cambridgeshire):
    data = form_data(cambridgeshire, TWO_CHILDREN)
    data["children-1-DELETE"] = "on"
    client_for(sam).post(CREATE, data)
    assert [c.first_name for c in Referral.objects.get().children.all()] == ["Zofia"]


def test_a_manager_enters_a_paper_referral(client_for, alice, cambridgeshire):
    data = form_data(
        cambridgeshire,
        TWO_CHILDREN,
        referrer_name="Jo Paper",
        referrer_local_authority="Cambridgeshire County Council",
    )
    client_for(alice).post(CREATE, data)
    referral = Referral.objects.get()
    assert (referral.referrer_name, referral.created_by, referral.social_worker) == (
        "Jo Paper",
        alice,
        None,
    )
    assert client_for(alice).get(MINE).context["page"].object_list[0] == referral


def test_a_social_worker_cannot_choose_another_project(client_for, sam, southend):
    response = client_for(sam).post(CREATE, form_data(southend, TWO_CHILDREN))
    assert "project" in response.context["form"].errors


# --- deciding ------------------------------------------------------------------------


def test_the_queue_lists_waiting_referrals_oldest_first(
    client_for, alice, sam, sally, cambridgeshire, southend
):
    with time_machine.travel(timezone.now() - timezone.timedelta(days=8)):
        older = make_referral(cambridgeshire, sam, submit=True, family_name="Older")
    newer = make_referral(cambridgeshire, sam, submit=True, family_name="Newer")
    make_referral(southend, sally, submit=True, family_name="Elsewhere")
    make_referral(cambridgeshire, sam, family_name="Draft")
    page = client_for(alice).get(QUEUE).context["page"]
    assert list(page) == [older, newer]
    assert page[0].days_waiting == 8
    assert 5 <= page[0].working_days_waiting <= 6


def test_the_queue_issues_the_same_queries_for_2_or_50_referrals(
    client_for, alice, sam, cambridgeshire, django_assert_max_num_queries
):
    client = client_for(alice)
    counts = []
    for total in (2, 50):
        while Referral.objects.count() < total:
            make_referral(cambridgeshire, sam, submit=True)
        with django_assert_max_num_queries(15) as queries:
            client.get(QUEUE)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_accepting_from_the_page_opens_the_case(client_for, alice, referral):
    response = client_for(alice).post(reverse("referrals:accept", args=[referral.pk]))
    family = Family.objects.get()
    assert response["Location"] == reverse("families:detail", args=[family.pk])


def test_declining_without_a_reason_is_explained(client_for, alice, referral):
    response = client_for(alice).post(
        reverse("referrals:decline", args=[referral.pk]), {"decline-reason": "  "}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        "Give the reason; the social worker will see it."
    ]
    assert "The referral was not declined" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED


def test_declining_with_a_reason(client_for, alice, referral):
    client_for(alice).post(
        reverse("referrals:decline", args=[referral.pk]), {"decline-reason": "Out of area."}
    )
    referral.refresh_from_db()
    assert (referral.status, referral.decision_reason) == ("declined", "Out of area.")


@pytest.mark.parametrize("action", ["accept", "decline", "waitlist"])
@pytest.mark.parametrize("who", ["charlie", "sam", "sally", "vera"])
def test_only_the_projects_managers_decide(client_for, cast, referral, action, who):
    response = client_for(cast[who]).post(
        reverse(f"referrals:{action}", args=[referral.pk]), {f"{action}-reason": "x"}
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED


def test_the_social_worker_withdraws_from_the_page(client_for, sam, referral):
    client_for(sam).post(
        reverse("referrals:withdraw", args=[referral.pk]), {"withdraw-reason": "Moved"}
    )
    referral.refresh_from_db()
    assert referral.status == Referral.Status.WITHDRAWN


def test_another_social_worker_cannot_withdraw(client_for, sally, referral):
    assert (
        client_for(sally).post(reverse("referrals:withdraw", args=[referral.pk])).status_code == 404
    )


def test_the_duplicate_flag_shows_on_the_managers_page(
    client_for, alice, sam, referral, cambridgeshire
):
    again = make_referral(cambridgeshire, sam, submit=True)
    page = client_for(alice).get(reverse("referrals:detail", args=[again.pk])).content.decode()
    assert "Possible duplicate" in page
    assert f"Referral {referral.pk}: submitted on" in page
    assert reverse("referrals:detail", args=[referral.pk]) in page


# --- home pages --------------------------------------------------------------------


def test_the_social_workers_home_shows_referrals_and_families(client_for, sam, family):
    page = client_for(sam).get(reverse("vicp:home")).content.decode()
    assert family.case_reference in page
    assert "Doe family" in page


def test_the_managers_home_shows_the_queue(client_for, alice, referral):
    page = client_for(alice).get(reverse("vicp:home")).content.decode()
    assert "1 referral waiting for a decision" in page


def sent_back_unchanged(client, url, page=None):
    """What the browser sends when the page's referral form is saved without a change."""
    forms = forms_of(page or client.get(url).content.decode(), url)
    (form,) = [f for f in forms if "children-TOTAL_FORMS" in f.names]
    return form.as_shown() | {"action": "save"}


def test_saving_a_draft_twice_keeps_the_children_left_unchanged(client_for, sam, cambridgeshire):
    client = client_for(sam)
    client.post(CREATE, form_data(cambridgeshire, TWO_CHILDREN, action="save"))
    draft = Referral.objects.get()
    edit = reverse("referrals:edit", args=[draft.pk])
    data = sent_back_unchanged(client, edit)
    assert data["children-INITIAL_FORMS"] == "2"
    assert client.post(edit, data).status_code == 302
    assert client.post(edit, sent_back_unchanged(client, edit)).status_code == 302
    assert sorted(c.first_name for c in draft.children.all()) == ["Adam", "Zofia"]


def test_a_blank_child_form_added_to_a_draft_is_not_a_child(client_for, sam, cambridgeshire):
    client = client_for(sam)
    client.post(CREATE, form_data(cambridgeshire, TWO_CHILDREN, action="save"))
    draft = Referral.objects.get()
    data = form_data(cambridgeshire, TWO_CHILDREN, action="save")
    data |= {
        "children-TOTAL_FORMS": "3",
        "children-INITIAL_FORMS": "2",
        "children-2-first_name": "",
        "children-2-last_name": "",
        "children-2-date_of_birth": "",
        "children-2-plan_type": "cp",
        "children-2-cp_category": "",
    }
    response = client.post(reverse("referrals:edit", args=[draft.pk]), data)
    assert response.status_code == 302
    assert draft.children.count() == 2


def test_children_saved_by_adding_a_child_stay_when_the_page_is_saved(
    client_for, sam, cambridgeshire
):
    client = client_for(sam)
    data = form_data(cambridgeshire, [("Zofia", years_ago(8), "cp")], action="add_child")
    page = client.post(CREATE, data).content.decode()
    draft = Referral.objects.get()
    edit = reverse("referrals:edit", args=[draft.pk])
    sent = sent_back_unchanged(client, edit, page=page)
    sent |= {"children-1-first_name": "Adam", "children-1-date_of_birth": "2021-03-04"}
    sent["children-1-plan_type"] = "cin"
    assert client.post(edit, sent).status_code == 302
    assert sorted(c.first_name for c in draft.children.all()) == ["Adam", "Zofia"]
