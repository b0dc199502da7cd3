"""One date style: "1 Dec 2026" on pages, in emails and PDFs, "Tue 1 Dec 2026" where the day
matters, moments in Europe/London; and a date picker for every date a form asks for."""

import datetime
import importlib
from pathlib import Path

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.template import Context, Template

from vicp import dates

DAY = datetime.date(2026, 12, 1)
SUMMER_AFTERNOON = datetime.datetime(2026, 7, 1, 13, 5, 9, tzinfo=datetime.UTC)


def test_a_day_is_written_one_way():
    assert dates.day(DAY) == "1 Dec 2026"
    assert dates.weekday(DAY) == "Tue 1 Dec 2026"
    assert dates.day(None) == "" and dates.day("") == ""


def test_a_moment_is_written_in_london_time():
    assert dates.moment(SUMMER_AFTERNOON) == "1 Jul 2026 14:05"  # British Summer Time
    assert dates.moment_seconds(SUMMER_AFTERNOON) == "1 Jul 2026 14:05:09"
    assert dates.day(datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)) == "1 Jul 2026"


def test_templates_write_dates_the_same_way_without_loading_anything():
    html = Template(
        "{{ d|day }}|{{ d|weekday }}|{{ t|moment }}|{{ t|moment_seconds }}|{{ d }}|{{ d|date }}"
    ).render(Context({"d": DAY, "t": SUMMER_AFTERNOON}))
    assert html == (
        "1 Dec 2026|Tue 1 Dec 2026|1 Jul 2026 14:05|1 Jul 2026 14:05:09|1 Dec 2026|1 Dec 2026"
    )


def test_no_template_writes_a_date_in_a_style_of_its_own():
    root = Path(__file__).resolve().parent.parent / "templates"
    own = [
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.suffix in (".html", ".txt") and "|date:" in path.read_text()
    ]
    assert not own, f"use |day, |weekday or |moment (vicp/dates.py) in {own}"


def _app_modules(name):
    for config in apps.get_app_configs():
        if config.path.startswith(str(Path(__file__).resolve().parent.parent)):
            try:
                yield importlib.import_module(f"{config.name}.{name}")
            except ModuleNotFoundError:
                continue


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


@pytest.mark.parametrize("module", ["forms", "report_forms", "filters"])
def test_every_date_a_form_asks_for_has_a_date_picker(module):
    list(_app_modules(module))  # imported, so their classes are known
    ours = ("vicp", "referrals", "volunteers", "families", "outcomes")
    without = []
    for form in _subclasses(forms.BaseForm):
        if not form.__module__.startswith(ours) or not hasattr(form, "base_fields"):
            continue
        for name, field in form.base_fields.items():
            if isinstance(field, forms.DateField) and field.widget.input_type != "date":
                without.append(f"{form.__module__}.{form.__name__}.{name}")
    for filterset in _subclasses(django_filters.FilterSet):
        if not filterset.__module__.startswith(ours):
            continue
        for name, each in filterset.base_filters.items():
            if issubclass(each.field_class, forms.DateField):
                widget = each.extra.get("widget")
                if widget is None or getattr(widget, "input_type", "") != "date":
                    without.append(f"{filterset.__module__}.{filterset.__name__}.{name}")
    assert not without, f"give these the date picker (vicp.forms.DateInput): {without}"


def test_every_list_filter_has_a_label_people_can_read():
    """django-filter labels a filter it cannot name from the model "[invalid name]"."""
    ours = ("vicp", "families", "referrals", "volunteers", "outcomes")
    unnamed = []
    for filterset in _subclasses(django_filters.FilterSet):
        if not filterset.__module__.startswith(ours) or filterset._meta.model is None:
            continue
        for name, each in filterset.base_filters.items():
            each.model = filterset._meta.model
            if each.label is None or "invalid name" in str(each.label):
                unnamed.append(f"{filterset.__module__}.{filterset.__name__}.{name}")
    assert not unnamed, f"give these filters a label: {unnamed}"
