"""A family case holds documents (the plan, consent, letters): who reads and adds them
is the case's policy; the kernel keeps the files."""

from django.urls import reverse

from vicp.documents import holders
from vicp.models import Document, User

from . import policy
from .models import Family
from .selectors import families_visible_to

KINDS = (
    Document.Kind.CP_PLAN,
    Document.Kind.CONSENT,
    Document.Kind.ASSESSMENT,
    Document.Kind.LETTER,
    Document.Kind.REFERRAL_FORM,
    Document.Kind.OTHER,
)


def family_for(user: User, pk: int) -> Family | None:
    return (
        families_visible_to(user)
        .select_related("project", "referral")
        .prefetch_related("matches__volunteer")
        .filter(pk=pk)
        .first()
    )


def register() -> None:
    holders.register(
        holders.Holder(
            key="family",
            model=Family,
            kinds=tuple(KINDS),
            record_for=family_for,
            may_read=policy.may_read_case_document,
            may_add=policy.may_add_case_document,
            may_manage=policy.may_manage_case_documents,
            project_of=lambda family: family.project,
            url_of=lambda family: reverse("families:documents", args=[family.pk]),
            name_of=lambda family: f"case {family.case_reference}",
            shares_with_volunteer=True,
        )
    )
