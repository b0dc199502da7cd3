"""The forms of an HTML page, read as a browser would, to send them back with other values.

Used by the malformed-input sweep, so a new form is checked without anyone listing it.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# Inputs a person types text into; the others choose among given values.
TEXT_TYPES = {"text", "email", "password", "search", "tel", "url", "textarea"}


@dataclass
class Field:
    name: str
    type: str  # the input's type, "select" or "textarea"
    value: str = ""
    checked: bool = False
    options: list = field(default_factory=list)  # a select's option values
    multiple: bool = False
    minimum: str = ""


@dataclass
class Form:
    action: str  # the path it is sent to
    method: str  # "get" or "post"
    fields: list = field(default_factory=list)
    buttons: list = field(default_factory=list)  # (name, value) of named submit buttons

    @property
    def names(self):
        return sorted({f.name for f in self.fields})

    def as_shown(self):
        """The values the browser sends when the form is sent as the page shows it."""
        data = {}
        for f in self.fields:
            if f.type in ("checkbox", "radio"):
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
            elif f.type == "select":
                data[f.name] = f.value or next(iter(f.options), "")
            else:
                data[f.name] = f.value
        return data

    def filled(self):
        """The values a person in a hurry would send: what the page shows, and something in
        each empty box, the first of each choice."""
        data = {}
        for f in self.fields:
            if f.type in ("checkbox", "radio"):
                if f.checked or (f.type == "radio" and f.name not in data):
                    data[f.name] = [f.value or "on"] if f.type == "checkbox" else f.value
                continue
            if f.type == "select":
                chosen = f.value or next((o for o in f.options if o), "")
                data[f.name] = [chosen] if f.multiple else chosen
                continue
            data[f.name] = f.value or _sample(f)
        return data


def _sample(f):
    return {
        "email": "someone@example.org",
        "number": f.minimum or "1",
        "date": "2026-01-05",
        "time": "10:00",
        "hidden": "",
    }.get(f.type, "Something typed")


class _Parser(HTMLParser):
    def __init__(self, page_url):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms = []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urlsplit(urljoin(self.page_url, a.get("action") or self.page_url)).path
            self._form = Form(action=action, method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "image", "button", "reset"):
                if kind == "submit":
                    self._form.buttons.append((name, a.get("value", "")))
                return
            self._form.fields.append(
                Field(
                    name,
                    kind,
                    a.get("value", ""),
                    checked="checked" in a,
                    minimum=a.get("min", ""),
                )
            )
        elif tag == "button" and name and a.get("type", "submit").lower() == "submit":
            self._form.buttons.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = Field(name, "select", multiple="multiple" in a)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a and not self._select.value:
                self._select.value = value
        elif tag == "textarea" and name:
            self._textarea = Field(name, "textarea")
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_of(html, page_url):
    parser = _Parser(page_url)
    parser.feed(html)
    return parser.forms
