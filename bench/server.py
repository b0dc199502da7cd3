"""Starting and stopping gunicorn for the bench, and plain HTTP requests to it.

gunicorn serves `bench.settings` (ViCP's settings plus the floor page) on
127.0.0.1 only, on a free port, with `workers` sync workers.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, *, workers=2, log_path="/tmp/vicp-bench-gunicorn.log"):  # noqa: S108
        self.workers = workers
        self.port = free_port()
        self.log_path = log_path
        self.process = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            [
                str(gunicorn),
                "vicp.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "120",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped; see {self.log_path}")
            try:
                if get(self.port, "/healthz")[0] in (200, 503):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start in time; see {self.log_path}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def get(port, path, *, cookie=None, headers=None):
    """(status, headers, body bytes as transferred) of one GET on a new connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        all_headers = {"Host": "127.0.0.1", **(headers or {})}
        if cookie:
            all_headers["Cookie"] = cookie
        connection.request("GET", path, headers=all_headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()
