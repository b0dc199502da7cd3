"""Demo matches and visits for `seed_demo`: safe to run again.

Each step is recorded on its own day (`vicp.demo_time.on_day`): the match three weeks
ago, each visit logged on the day it happened."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify

from vicp.demo_time import days_ago, on_day
from vicp.documents.services import add_document
from vicp.models import Document, User
from volunteers.models import Volunteer

from . import services
from .models import (
    CaseNote,
    ConcernAction,
    ConcernCategory,
    Family,
    Match,
    Visit,
    VisitActivity,
)

# The demo volunteer of Cambridgeshire works with the Carter family.
MATCHES = [("CAM", "volunteer.cam@example.org", "Carter", "pm.cam@example.org")]


def seed_families(projects):
    for code, volunteer_email, family_name, manager_email in MATCHES:
        family = Family.objects.filter(project=projects[code], family_name=family_name).first()
        volunteer = Volunteer.objects.filter(user__email=volunteer_email).first()
        if family is None or volunteer is None or Match.objects.filter(family=family).exists():
            continue
        manager = User.objects.get(email=manager_email)
        with on_day(days_ago(21)):
            match = services.start_match(
                family=family, volunteer=volunteer, by=manager, started_on=days_ago(21)
            )
        routines = VisitActivity.objects.filter(slug__in=["routines", "school-run"])
        for visited, contact in [(20, True), (13, False), (12, True), (5, True)]:
            with on_day(days_ago(visited)):
                services.log_visit(
                    match=match,
                    by=volunteer.user,
                    visited_on=days_ago(visited),
                    duration_minutes=120 if contact else 15,
                    contact_made=contact,
                    medium=Visit.Medium.IN_PERSON,
                    place=Visit.Place.HOME,
                    activities=routines if contact else (),
                    notes="Worked on the morning routine together."
                    if contact
                    else "Nobody answered.",
                    engagement=4 if contact else None,
                    miles=6,
                )
        with on_day(days_ago(2)):
            _seed_concern(match, manager)
        with on_day(days_ago(10)):
            services.write_case_note(
                family=family,
                by=manager,
                kind=CaseNote.Kind.PHONE,
                with_whom=CaseNote.WithWhom.SOCIAL_WORKER,
                summary="Agreed the volunteer will keep to the morning routine; the social "
                "worker will raise the school attendance at the core group.",
                happened_at=timezone.now(),
            )
        _seed_documents(family, manager)


def demo_pdf(text):
    """A one-page PDF saying `text`, written by hand (the demo needs no PDF library)."""
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    pdf, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    table = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        table,
    )
    return pdf


def _seed_documents(family, manager):
    """The case's plan (for its managers and social worker) and a letter shared with the
    volunteer."""
    documents = [
        ("Child protection plan", Document.Kind.CP_PLAN, 30, False),
        ("Letter introducing the volunteer", Document.Kind.LETTER, 21, True),
    ]
    for title, kind, dated, shared in documents:
        # Added when the case was accepted and when the match started.
        with on_day(days_ago(min(dated, 30))):
            add_document(
                family,
                by=manager,
                file=SimpleUploadedFile(f"{slugify(title)}.pdf", demo_pdf(f"{title} (demo)")),
                title=title,
                kind=kind,
                about_on=days_ago(dated),
                shared_with_volunteer=shared,
            )


def _seed_concern(match, manager):
    """An open concern the volunteer raised, acknowledged, with one action logged."""
    concern = services.raise_concern(
        family=match.family,
        by=match.volunteer.user,
        category=ConcernCategory.NEGLECT,
        details="There was no food in the kitchen again and the children said they had not "
        "eaten since lunch at school yesterday.",
        noticed_at=timezone.now() - datetime.timedelta(hours=18),
    )
    services.acknowledge_concern(concern, by=manager)
    services.log_concern_action(
        concern,
        by=manager,
        action="Rang the family's social worker, who will visit tomorrow.",
        informed="the family's social worker",
        means=ConcernAction.Means.PHONE,
    )
