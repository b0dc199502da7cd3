"""A volunteer's record holds their DBS certificate, references and letters: read by the
project's managers only (a volunteer never reads a DBS scan or a reference)."""

from django.urls import reverse

from vicp.documents import holders
from vicp.models import Document, User
from vicp.permissions import manages

from .models import Volunteer
from .selectors import volunteers_visible_to

KINDS = (Document.Kind.DBS, Document.Kind.REFERENCE, Document.Kind.LETTER, Document.Kind.OTHER)


def may_read(user: User, volunteer: Volunteer, document: Document | None = None) -> bool:
    return manages(user, volunteer.project)


def may_add(user: User, volunteer: Volunteer) -> bool:
    return volunteer.anonymised_on is None and manages(user, volunteer.project)


def volunteer_for(user: User, pk: int) -> Volunteer | None:
    return volunteers_visible_to(user).filter(pk=pk).first()


def register() -> None:
    holders.register(
        holders.Holder(
            key="volunteer",
            model=Volunteer,
            kinds=tuple(KINDS),
            record_for=volunteer_for,
            may_read=may_read,
            may_add=may_add,
            may_manage=may_add,
            project_of=lambda volunteer: volunteer.project,
            url_of=lambda volunteer: (
                reverse("volunteers:detail", args=[volunteer.pk]) + "#documents"
            ),
            name_of=lambda volunteer: f"{volunteer.full_name}'s record",
        )
    )
