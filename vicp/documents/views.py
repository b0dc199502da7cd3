"""A document's own page, its upload, download, replacement, sharing and deletion. Every
view asks the record's Holder (through selectors.document_for_user) and answers 404 to
anyone who may not read the document."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from vicp import audit
from vicp.forms import add_service_errors

from . import holders, selectors, services
from .forms import DeleteForm, ReplaceForm


def add(request, holder_key, object_id):
    """The record's page holds this form; this page of its own keeps what was typed when
    something needs putting right (the file must be chosen again: no browser keeps it)."""
    user = request.user
    holder = holders.by_key(holder_key)
    record = holder.record_for(user, object_id) if holder else None
    if record is None or not holder.may_add(user, record):
        raise Http404("No such record.")
    form = selectors.add_form(user, record, holder, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.add_document(record, by=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{document.title}” is kept on {holder.name_of(record)}.")
            return redirect(holder.url_of(record))
    return render(
        request,
        "documents/document_add.html",
        {
            "form": form,
            "holder": holder,
            "record": record,
            "record_name": holder.name_of(record),
            "back_url": holder.url_of(record),
        },
        status=400 if form.is_bound else 200,
    )


def _page(request, readable, *, replace_form=None, status=200):
    user, document, holder, record = (
        request.user,
        readable.document,
        readable.holder,
        readable.record,
    )
    may_manage = holder.may_manage(user, record)
    may_replace = services.may_replace(user, document, record)
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "record_name": holder.name_of(record),
            "back_url": holder.url_of(record),
            "versions": selectors.versions_of(document),
            "may_manage": may_manage,
            "may_share": holder.shares_with_volunteer and may_manage,
            "replace_form": replace_form
            or (ReplaceForm(prefix="replace") if may_replace else None),
        },
        status=status,
    )


def detail(request, pk):
    readable = selectors.document_for_user(request.user, pk)
    audit.record(
        "document.viewed",
        actor=request.user,
        obj=readable.document,
        project=readable.document.project,
    )
    return _page(request, readable)


def download(request, pk, number=None):
    """The file, as an attachment the browser never renders in ViCP's pages."""
    readable = selectors.document_for_user(request.user, pk)
    document = readable.document
    if number is None:
        version = document.current
    else:
        version = get_object_or_404(document.versions, number=number)
    if version is None:
        raise Http404("This document has no file.")
    audit.record(
        "document.downloaded",
        actor=request.user,
        obj=document,
        project=document.project,
        version=version.number,
    )
    stem = slugify(document.title)[:80] or "document"
    if version.pk != document.current_id:
        stem += f"-version-{version.number}"
    response = FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=f"{stem}.{version.extension}",
        content_type=version.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def replace(request, pk):
    readable = selectors.document_for_user(request.user, pk)
    if not services.may_replace(request.user, readable.document, readable.record):
        raise Http404("Only the record's managers, or whoever added it, replace a document.")
    form = ReplaceForm(request.POST, request.FILES, prefix="replace")
    if form.is_valid():
        try:
            version = services.replace_document(
                readable.document, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Version {version.number} is now the document's file; the earlier ones are kept.",
            )
            return redirect("vicp:document", pk=readable.document.pk)
    return _page(request, readable, replace_form=form, status=400)


@require_POST
def share(request, pk):
    readable = selectors.document_for_user(request.user, pk)
    holder = readable.holder
    if not (holder.shares_with_volunteer and holder.may_manage(request.user, readable.record)):
        raise Http404("Only the project's managers share a case's documents.")
    shared = request.POST.get("shared") == "1"
    services.set_shared_with_volunteer(readable.document, by=request.user, shared=shared)
    messages.success(
        request,
        "The volunteer working with the family can now read it."
        if shared
        else "The volunteer no longer sees this document.",
    )
    return redirect("vicp:document", pk=readable.document.pk)


def delete(request, pk):
    """A page of its own that says what deleting does, and asks why."""
    readable = selectors.document_for_user(request.user, pk)
    if not readable.holder.may_manage(request.user, readable.record):
        raise Http404("Only the project's managers delete a document.")
    form = DeleteForm(request.POST or None, prefix="delete")
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_document(readable.document, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"“{readable.document.title}” is deleted; it is kept, with your reason, "
                "until the record is removed.",
            )
            return redirect(readable.holder.url_of(readable.record))
    return render(
        request,
        "documents/document_delete.html",
        {
            "document": readable.document,
            "record_name": readable.holder.name_of(readable.record),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )
