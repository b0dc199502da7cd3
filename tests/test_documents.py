"""Documents in the kernel: a file's type is read from its content, its size is held at
the limit, its stored name is random, and ClamAV refuses what holds a virus."""

import io
import os
import socket
import struct
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from tests import document_files as files
from tests.documents_helpers import add
from vicp.documents import clamav
from vicp.documents import files as checks
from vicp.models import AuditEvent, Document, DocumentVersion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def refusal(family, by, name, content):
    with pytest.raises(ValidationError) as raised:
        add(family, by, name=name, content=content)
    return " ".join(raised.value.message_dict["file"])


@pytest.mark.parametrize("ending", sorted(files.KEPT))
def test_every_kind_of_file_kept_is_accepted_by_its_content(ending, family, alice):
    document = add(family, alice, name=f"scan.{ending}", content=files.KEPT[ending]())
    assert document.current.extension in (ending, "jpg" if ending == "jpeg" else ending)
    assert document.current.content_type in checks.KEPT


def test_an_executable_named_pdf_is_refused(family, alice):
    message = refusal(family, alice, "plan.pdf", files.executable())
    assert "content is none of those" in message
    assert not Document.objects.exists()


def test_an_image_renamed_pdf_is_refused_with_what_it_is(family, alice):
    message = refusal(family, alice, "plan.pdf", files.png())
    assert message.startswith('This file is a PNG image, but its name ends ".pdf"')
    assert 'Rename it to end ".png"' in message
    assert not DocumentVersion.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("notes.pdf", b"just some text, not a PDF", "content is none of those"),
        ("plan", files.pdf(), "its name ends without a type"),
        ("archive.pdf", files._zip([("a.txt", "x")]), "content is none of those"),
        ("empty.pdf", b"", "The file is empty"),
    ],
    # Named, not by their bytes: a zip's bytes hold the time it was made, and every
    # pytest-xdist worker must collect the same tests.
    ids=["text", "no-ending", "zip", "empty"],
)
def test_files_that_are_not_what_they_say_are_refused(name, content, words, family, alice):
    assert words in refusal(family, alice, name, content)


def test_the_default_limit_is_20_megabytes():
    assert settings.VICP_DOCUMENT_MAX_BYTES == 20 * 1024 * 1024


def test_a_file_of_exactly_the_limit_is_kept_and_one_byte_more_is_refused(family, alice):
    limit = checks.max_bytes()
    kept = add(family, alice, content=files.pdf(padding=limit))
    assert kept.current.size == limit
    message = refusal(family, alice, "plan.pdf", files.pdf(padding=limit + 1))
    assert message.startswith(
        "This file is larger than 20 MB, the most ViCP keeps (it is 20.0 MB)."
    )
    assert Document.objects.count() == 1


def test_the_stored_name_is_random_and_never_the_uploaded_one(family, alice):
    document = add(family, alice, name="../../etc/passwd Doe family.pdf")
    version = document.current
    # Django keeps only the last part of an uploaded name; ViCP shows it, never stores by it.
    assert version.original_name == "passwd Doe family.pdf"
    assert version.file.name.startswith("documents/")
    assert "Doe" not in version.file.name and "passwd" not in version.file.name
    assert ".." not in version.file.name
    with version.file.open("rb") as stored:
        assert stored.read() == files.pdf()
    other = add(family, alice, name="../../etc/passwd Doe family.pdf")
    assert other.current.file.name != version.file.name


def test_a_stored_file_is_readable_by_its_owner_only(family, alice):
    document = add(family, alice)
    mode = os.stat(document.current.file.path).st_mode & 0o777
    assert mode == 0o600


def test_adding_records_who_what_and_the_size(family, alice):
    document = add(family, alice)
    event = AuditEvent.objects.get(action="document.added")
    assert (event.actor, event.object_id, event.project) == (
        alice,
        str(document.pk),
        family.project,
    )
    assert event.details["size"] == len(files.pdf())
    assert event.details["scanned"] is False
    # Retention cannot reach the append-only log: it names no family.
    assert event.details["record"] == "family" and "Doe" not in str(event.details)


# --- ClamAV -----------------------------------------------------------------------------


class FakeClamd:
    """clamd's INSTREAM protocol on a Unix socket, as a test double: it reads the chunks
    until the zero length and answers FOUND for the EICAR string, OK otherwise."""

    def __init__(self, path, answer=None):
        self.path, self.answer, self.received = str(path), answer, []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(4)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read_exactly(self, connection, size):
        data = b""
        while len(data) < size:
            received = connection.recv(size - len(data))
            if not received:
                raise ConnectionError("closed early")
            data += received
        return data

    def _serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                command = b""
                while not command.endswith(b"\0"):
                    command += connection.recv(1)
                assert command == b"zINSTREAM\0"
                content = b""
                while True:
                    (length,) = struct.unpack("!L", self._read_exactly(connection, 4))
                    if length == 0:
                        break
                    content += self._read_exactly(connection, length)
                self.received.append(content)
                if self.answer is not None:
                    connection.sendall(self.answer)
                elif files.EICAR in content:
                    connection.sendall(b"stream: Win.Test.EICAR_HDB-1 FOUND\0")
                else:
                    connection.sendall(b"stream: OK\0")

    def close(self):
        self.server.close()


@pytest.fixture
def clamd(settings, tmp_path):
    fake = FakeClamd(tmp_path / "clamd.sock")
    settings.VICP_CLAMAV_SOCKET = fake.path
    yield fake
    fake.close()


def test_a_clean_file_is_scanned_then_kept(clamd, family, alice):
    document = add(family, alice)
    assert document.current.scanned
    assert clamd.received == [files.pdf()]


def test_a_file_holding_a_virus_is_refused_and_the_attempt_audited(clamd, family, alice):
    content = files.pdf() + files.EICAR
    message = refusal(family, alice, "plan.pdf", content)
    assert message.startswith("The virus scanner found Win.Test.EICAR_HDB-1 in this file")
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    event = AuditEvent.objects.get(action="document.virus_refused")
    assert (event.actor, event.object_id) == (alice, str(family.pk))
    assert event.details["signature"] == "Win.Test.EICAR_HDB-1"


def test_while_the_scanner_is_unreachable_nothing_is_kept(settings, tmp_path, family, alice):
    settings.VICP_CLAMAV_SOCKET = str(tmp_path / "nobody-listens.sock")
    message = refusal(family, alice, "plan.pdf", files.pdf())
    assert "virus scanner could not be reached" in message
    assert not Document.objects.exists()


def test_an_answer_that_is_no_verdict_refuses_the_file(settings, tmp_path, family, alice):
    fake = FakeClamd(tmp_path / "odd.sock", answer=b"INSTREAM size limit exceeded. ERROR\0")
    settings.VICP_CLAMAV_SOCKET = fake.path
    try:
        assert "could not be reached" in refusal(family, alice, "plan.pdf", files.pdf())
    finally:
        fake.close()


def test_the_scanner_reads_a_large_file_in_chunks(clamd, settings):
    content = b"x" * (clamav.CHUNK * 2 + 17)
    assert clamav.scan(io.BytesIO(content)).clean
    assert clamd.received == [content]
