"""Virus scanning with ClamAV's daemon (clamd), when VICP_CLAMAV_SOCKET names its socket:
a path for a Unix socket, or tcp://host:port.

It speaks clamd's INSTREAM command: "zINSTREAM\\0", then the file in chunks, each after
its length as four bytes (big-endian), then a length of zero; clamd answers
"stream: OK" or "stream: <signature> FOUND".
"""

import socket
import struct
from dataclasses import dataclass
from typing import IO

from django.conf import settings

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd could not be reached, or answered something other than a verdict."""


@dataclass(frozen=True)
class Verdict:
    clean: bool
    signature: str = ""


def configured() -> bool:
    return bool(settings.VICP_CLAMAV_SOCKET)


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("tcp://"):
        host, _, port = address.removeprefix("tcp://").rpartition(":")
        return socket.create_connection((host, int(port)), timeout=timeout)
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.settimeout(timeout)
    connection.connect(address)
    return connection


def scan(stream: IO[bytes]) -> Verdict:
    """clamd's verdict on what `stream` holds, read from its current position."""
    address, timeout = settings.VICP_CLAMAV_SOCKET, settings.VICP_CLAMAV_TIMEOUT
    try:
        with _connect(address, timeout) as connection:
            connection.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            answer = b""
            while not answer.endswith(b"\0"):
                received = connection.recv(4096)
                if not received:
                    break
                answer += received
    except (OSError, ValueError) as error:
        raise ScannerUnavailable(f"clamd at {address}: {error}") from error
    text = answer.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith(" OK"):
        return Verdict(clean=True)
    if text.endswith(" FOUND"):
        signature = text.removeprefix("stream:").removesuffix("FOUND").strip()
        return Verdict(clean=False, signature=signature)
    raise ScannerUnavailable(f"clamd at {address} answered {text!r}")
