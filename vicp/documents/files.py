"""What an uploaded file is, read from its content (never from its name), and whether
ViCP keeps files of that kind and size."""

import hashlib
from dataclasses import dataclass

import filetype  # type: ignore[import-untyped]
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

# The kinds of file ViCP keeps: {media type: (what it is called, the name endings it takes)}.
KEPT = {
    "application/pdf": ("a PDF", ("pdf",)),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "a Word document",
        ("docx",),
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "an Excel spreadsheet",
        ("xlsx",),
    ),
    "application/vnd.oasis.opendocument.text": ("an OpenDocument text", ("odt",)),
    "image/jpeg": ("a JPEG photo", ("jpg", "jpeg")),
    "image/png": ("a PNG image", ("png",)),
    "image/heic": ("an HEIC photo", ("heic", "heif")),
}
ENDINGS = tuple(ending for _, endings in KEPT.values() for ending in endings)
# For the file picker: which files to offer (the server checks the content all the same).
ACCEPT = ",".join(f".{ending}" for ending in ENDINGS) + "," + ",".join(KEPT)
KINDS_IN_WORDS = "PDF, Word (DOCX), Excel (XLSX), OpenDocument text (ODT), JPEG, PNG or HEIC"
# What filetype reads of a file to know it (its signatures lie in the first bytes).
HEAD_BYTES = 8192


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    extension: str
    size: int
    sha256: str


def max_bytes() -> int:
    return settings.VICP_DOCUMENT_MAX_BYTES


def size_in_words(size: int) -> str:
    if size >= 1024 * 1024:
        megabytes = size / (1024 * 1024)
        return f"{megabytes:.0f} MB" if megabytes.is_integer() else f"{megabytes:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def _ending(name: str) -> str:
    stem, dot, ending = name.rpartition(".")
    return ending.lower() if dot and stem else ""


def _read_all(file: UploadedFile) -> tuple[bytes, str]:
    """The file's first bytes and the SHA-256 of all of it, reading it in chunks."""
    file.seek(0)
    digest, head = hashlib.sha256(), b""
    for chunk in file.chunks():
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        digest.update(chunk)
    file.seek(0)
    return head, digest.hexdigest()


def check(file: UploadedFile) -> CheckedFile:
    """The file's type, from its content, if ViCP keeps files of that type and the file's
    name agrees with it; otherwise a ValidationError that says what to do."""
    size = file.size or 0
    if size == 0:
        raise ValidationError("The file is empty. Choose the file again.", code="empty")
    if size > max_bytes():
        raise ValidationError(
            f"This file is larger than {size_in_words(max_bytes())}, the most ViCP keeps "
            f"(it is {size_in_words(size)}). Make it smaller (a scan at a lower resolution, "
            "say) and upload it again.",
            code="too_big",
        )
    head, sha256 = _read_all(file)
    content_type = filetype.guess_mime(head)
    if content_type not in KEPT:
        raise ValidationError(
            "ViCP keeps only "
            + KINDS_IN_WORDS
            + " files, and this file's content is none of those. If it is a document, save "
            "it as a PDF and upload that.",
            code="type",
        )
    described, endings = KEPT[content_type]
    ending = _ending(file.name or "")
    if ending not in endings:
        raise ValidationError(
            f"This file is {described}, but its name ends "
            + (f'".{ending}"' if ending else "without a type")
            + f'. Rename it to end ".{endings[0]}" and upload it again.',
            code="name",
        )
    return CheckedFile(content_type, endings[0], size, sha256)
