"""Every form marks its fields one way: "(optional)" after the label of a field that may be
left empty, nothing on a field that must be answered, nothing on a single tick box, and
nothing on a list's filters (all of which may be left empty)."""

from django import forms
from django.template import Context, Template

from vicp.forms import FilterForm


class Visit(forms.Form):
    notes = forms.CharField()
    miles = forms.IntegerField(required=False)
    concern = forms.BooleanField(required=False, label="I have a safeguarding concern")


class Filters(FilterForm):
    q = forms.CharField(required=False, label="Search")


def crispy(form, field=None):
    if field:
        return Template("{% load crispy_forms_tags %}{{ field|as_crispy_field }}").render(
            Context({"field": form[field]})
        )
    return Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))


def label_of(html, field):
    start = html.index(f'for="id_{field}"')
    return " ".join(html[start : html.index("</label>", start)].split())


def test_an_optional_field_says_so_and_a_required_one_has_no_mark():
    html = crispy(Visit())
    assert "(optional)" in label_of(html, "miles")
    assert "(optional)" not in label_of(html, "notes")
    assert "*" not in html and "asteriskField" not in html


def test_a_tick_box_is_never_marked():
    assert "(optional)" not in label_of(crispy(Visit()), "concern")


def test_a_field_rendered_on_its_own_is_marked_the_same_way():
    assert "(optional)" in label_of(crispy(Visit(), "miles"), "miles")


def test_the_filters_of_a_list_are_not_marked():
    assert "(optional)" not in crispy(Filters())
