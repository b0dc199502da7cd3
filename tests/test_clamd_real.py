"""Documents scanned by a real clamd: Debian's clamav-daemon, started for this module with a
signature database of its own (the EICAR test string as a body signature, as there is no
network for freshclam), on a Unix socket in a directory of this test process's own."""

import contextlib
import io
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from tests import document_files as files
from tests.documents_helpers import add
from vicp.documents import clamav
from vicp.models import AuditEvent, Document, DocumentVersion

from .conftest import need

CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"
SIGNATURE = "VICP.Test.EICAR"
# clamd names a signature from a database of its own (not ClamAV's signed ones) so.
REPORTED = f"{SIGNATURE}.UNOFFICIAL"
# A clamd that has not answered by then has failed; one that answers sooner is used sooner.
START_DEADLINE = 120.0
# A Unix socket's path holds at most 107 bytes.
SOCKET_PATH_MAX = 100

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def eicar_pdf():
    """A PDF holding the EICAR test string, in a comment line before its end."""
    return files.pdf().replace(b"%%EOF", b"%" + files.EICAR + b"\n%%EOF")


@dataclass
class Clamd:
    process: subprocess.Popen
    socket: str
    log: Path
    started_in: float  # seconds from starting the process to its first PONG


def _answers_ping(path):
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(5)
            connection.connect(path)
            connection.sendall(b"zPING\0")
            answer = b""
            while not answer.endswith(b"\0"):
                received = connection.recv(64)
                if not received:
                    break
                answer += received
    except OSError:
        return False
    return answer == b"PONG\0"


@contextlib.contextmanager
def _directory(tmp_path_factory):
    """A directory of this process's own (pytest-xdist gives each worker its own base), or
    one in /tmp, removed afterwards, where that base is too deep for a socket's path."""
    directory = tmp_path_factory.mktemp("clamd")
    if len(str(directory / "clamd.sock")) <= SOCKET_PATH_MAX:
        yield directory
        return
    directory = Path(tempfile.mkdtemp(prefix="vicp-clamd-", dir="/tmp"))
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    need(shutil.which("clamd") or os.path.exists("/usr/sbin/clamd"), "needs clamd (clamav-daemon)")
    with _directory(tmp_path_factory) as directory:
        yield from _run_clamd(directory)


def _run_clamd(directory):
    """clamd on a socket in `directory`, once it answers PING; stopped afterwards."""
    database = directory / "database"
    database.mkdir()
    (database / "vicp-test.ndb").write_text(f"{SIGNATURE}:0:*:{files.EICAR.hex()}\n")
    path, log, output = directory / "clamd.sock", directory / "clamd.log", directory / "clamd.out"
    config = directory / "clamd.conf"
    config.write_text(
        f"LocalSocket {path}\n"
        f"DatabaseDirectory {database}\n"
        f"TemporaryDirectory {directory}\n"
        f"PidFile {directory / 'clamd.pid'}\n"
        f"LogFile {log}\n"
        "Foreground yes\n"
    )
    with output.open("wb") as said:
        started = time.monotonic()
        process = subprocess.Popen(
            [CLAMD, "--config-file", str(config)], stdout=said, stderr=subprocess.STDOUT
        )
        try:
            deadline = started + START_DEADLINE
            while not _answers_ping(str(path)):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"clamd did not answer PING (exit code {process.poll()}):\n"
                        + output.read_text(errors="replace")
                    )
                time.sleep(0.02)  # the interval between polls of the socket
            yield Clamd(process, str(path), log, started_in=time.monotonic() - started)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def scanner(clamd, settings):
    settings.VICP_CLAMAV_SOCKET = clamd.socket
    return clamd


def test_clamd_starts_on_its_own_database_and_answers(scanner):
    print(f"clamd answered PING {scanner.started_in:.2f}s after it was started")
    assert scanner.process.poll() is None
    assert "Loaded 1 signatures." in scanner.log.read_text()


def test_clamd_finds_nothing_in_a_clean_pdf(scanner):
    assert clamav.scan(io.BytesIO(files.pdf())) == clamav.Verdict(clean=True)


def test_clamd_names_the_signature_in_a_pdf_holding_eicar(scanner):
    verdict = clamav.scan(io.BytesIO(eicar_pdf()))
    assert verdict == clamav.Verdict(clean=False, signature=REPORTED)


def test_a_clean_pdf_is_scanned_and_kept(scanner, family, alice):
    document = add(family, alice, content=files.pdf())
    version = document.current
    assert version.scanned
    with version.file.open("rb") as stored:
        assert stored.read() == files.pdf()
    event = AuditEvent.objects.get(action="document.added")
    assert event.details["scanned"] is True


def test_a_pdf_holding_eicar_is_refused_with_the_signature_name(scanner, family, alice):
    with pytest.raises(ValidationError) as raised:
        add(family, alice, content=eicar_pdf())
    message = " ".join(raised.value.message_dict["file"])
    assert message.startswith(f"The virus scanner found {REPORTED} in this file")
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()
    event = AuditEvent.objects.get(action="document.virus_refused")
    assert (event.actor, event.object_id) == (alice, str(family.pk))
    assert event.details["signature"] == REPORTED
