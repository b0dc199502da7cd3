"""Drafts kept on the device while a long form is filled in (static/js/form-draft.js).

A draft is stored under a key that names neither the person nor the record, and
encrypted with a key derived here from the person alone: the same on every sign-in,
so a draft typed before a session expired is read again after signing back in, and
unreadable to anyone else who signs in on the same browser. Pages for signed-in
people carry that key (meta tags in base.html); no other page does.

Anonymous forms (the public volunteer application) have no such key; their draft
stays in the tab's sessionStorage, gone when the tab is closed.
"""

import base64

from django.utils.crypto import salted_hmac

PREFIX = "vicp-draft"
PUBLIC = "public"
TO_CLEAR = "vicp_drafts_to_clear"


def _hmac(purpose, value):
    return salted_hmac(f"vicp.form-draft{purpose}", value, algorithm="sha256")


def owner_tag(user):
    """The part of a draft key that says whose it is, so signing out clears one's own."""
    return _hmac(".owner", str(user.pk)).hexdigest()[:16]


def secret(user):
    """The person's AES-GCM key (256 bits, base64) for their drafts."""
    return base64.b64encode(_hmac("", str(user.pk)).digest()).decode()


def draft_key(user, kind, *record):
    """Where the draft of form `kind` about `record` (ids) is kept on the device."""
    if not user.is_authenticated:
        return ":".join([PREFIX, PUBLIC, kind])
    name = _hmac(".name", ":".join(str(part) for part in (user.pk, kind, *record)))
    return ":".join([PREFIX, owner_tag(user), name.hexdigest()[:32]])


def saved(request, kind, *record):
    """The form was saved: the next page the person sees clears its draft."""
    keys = request.session.get(TO_CLEAR, [])
    request.session[TO_CLEAR] = [*keys, draft_key(request.user, kind, *record)][-20:]


def rows_asked(request, prefix, *, minimum, maximum):
    """How many rows of formset `prefix` to show, when the device's draft has more
    rows than the page would show (the draft asks for them with ?<prefix>=N)."""
    try:
        asked = int(request.GET.get(prefix, ""))
    except ValueError:
        return minimum
    return max(minimum, min(asked, maximum))


def context(request):
    """Context processor: the draft key and owner for signed-in pages, and the drafts
    saved since the last page (read once, by the page that shows them)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    popped = []

    def to_clear():
        if not popped:
            popped.append(request.session.pop(TO_CLEAR, []))
        return popped[0]

    return {
        "draft_secret": lambda: secret(user),
        "draft_owner": lambda: owner_tag(user),
        "drafts_to_clear": to_clear,
    }
