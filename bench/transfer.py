"""What a phone downloads for the visit form: the page and the CSS and JavaScript it links.

Fetched through gunicorn as a browser would, asking for Brotli or gzip: WhiteNoise
serves its pre-compressed files (made by collectstatic). The HTML is counted as
gunicorn sends it (ViCP does not compress HTML); its gzip size, what a
compressing proxy would send, is shown beside it.
"""

import gzip
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .server import get

ACCEPT = {"Accept-Encoding": "br, gzip"}


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "") and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


@dataclass
class Weight:
    html_bytes: int
    html_gzip_bytes: int
    assets: list = field(default_factory=list)  # (url, bytes transferred, encoding)
    errors: list = field(default_factory=list)

    @property
    def total(self):
        return self.html_bytes + sum(size for _, size, _ in self.assets)


def page_weight(port, path, *, cookie):
    status, _, body = get(port, path, cookie=cookie, headers=ACCEPT)
    weight = Weight(len(body), len(gzip.compress(body)))
    if status != 200:
        weight.errors.append(f"{path} answered {status}")
        return weight
    parser = _Assets()
    parser.feed(body.decode("utf-8", "replace"))
    for url in parser.urls:
        status, headers, asset = get(port, url, cookie=cookie, headers=ACCEPT)
        if status != 200:
            weight.errors.append(f"{url} answered {status}")
        encoding = {k.lower(): v for k, v in headers.items()}.get("content-encoding", "none")
        weight.assets.append((url, len(asset), encoding))
    return weight
