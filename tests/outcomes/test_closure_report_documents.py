"""The case closure report lists the case's documents by title, kind and date, never
their contents, nor the deleted ones."""

import datetime

import pytest
from django.template.loader import render_to_string

from outcomes.reports import case_closure_context
from tests.document_files import pdf
from tests.documents_helpers import add, referral_document, yesterday
from vicp import dates
from vicp.documents import services as documents

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def test_the_closure_report_lists_the_cases_documents_by_date(family, alice, sam):
    earlier = yesterday() - datetime.timedelta(days=30)
    plan = add(family, alice, title="Child protection plan", about_on=yesterday())
    consent = add(
        family,
        sam,
        title="Consent to share",
        kind="consent",
        about_on=earlier,
        content=pdf(padding=200).replace(b"%PDF-1.4\n", b"%PDF-1.4\n%SECRET-CONTENT\n"),
    )
    wrong = add(family, alice, title="Letter for another family", kind="letter")
    documents.delete_document(wrong, by=alice, reason="Wrong case")
    referral_document(family, sam, title="Referral form", kind="referral_form")

    context = case_closure_context(family)
    assert [d.pk for d in context["documents"]] == [consent.pk, plan.pk]
    html = render_to_string("outcomes/pdf/case_closure.html", context)
    assert "2 documents kept on the case." in html
    for document, kind in ((plan, "Child protection plan"), (consent, "Consent form")):
        assert f"<td>{document.title}</td><td>{kind}</td>" in html
        assert dates.day(document.about_on) in html
    assert "Letter for another family" not in html and "Referral form" not in html
    assert "SECRET-CONTENT" not in html


def test_a_case_without_documents_says_so(family):
    html = render_to_string("outcomes/pdf/case_closure.html", case_closure_context(family))
    assert "No documents were kept on the case." in html
