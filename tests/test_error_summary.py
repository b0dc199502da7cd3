"""The one error summary: every error of a form (and its formset) at once, each a link to its
field, above the form; a form rendered with crispy-forms gets it without asking."""

from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string


class Details(forms.Form):
    name = forms.CharField()
    contact = forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect)
    needs = forms.MultipleChoiceField(
        choices=[("a", "Housing"), ("b", "School")], widget=forms.CheckboxSelectMultiple
    )
    agreed = forms.BooleanField()

    def clean(self):
        raise forms.ValidationError("Nothing can be saved for this family yet.")


class Child(forms.Form):
    first_name = forms.CharField()


def summary_of(**context):
    return render_to_string("includes/error_summary.html", context)


def test_every_error_is_listed_at_once_each_a_link_to_its_field():
    form = Details({})
    html = summary_of(form=form)
    assert html.count("data-error-summary") == 1
    assert "There is a problem" in html
    assert "<li>Nothing can be saved for this family yet.</li>" in html
    assert 'href="#id_name">Name: This field is required.' in html
    # A choice of several inputs is reached at its first input.
    assert 'href="#id_contact_0">Contact: This field is required.' in html
    assert 'href="#id_needs_0">Needs: This field is required.' in html
    assert 'href="#id_agreed">Agreed: This field is required.' in html
    assert html.count("<li>") == 5


def test_the_children_of_a_formset_are_named_by_their_place():
    children = forms.formset_factory(Child, extra=0)(
        {"c-TOTAL_FORMS": "2", "c-INITIAL_FORMS": "2", "c-0-first_name": "Zofia"}, prefix="c"
    )
    html = summary_of(form=Details({"name": "Nowak"}), formset=children, formset_label="Child")
    assert 'href="#id_c-1-first_name">Child 2, first name: This field is required.' in html
    assert "Child 1," not in html


def test_a_services_refusal_is_summarised_with_its_heading():
    html = summary_of(
        errors=["Two references are needed."], heading="Amira could not be signed off"
    )
    assert "Amira could not be signed off" in html and "<li>Two references are needed.</li>" in html


def test_nothing_is_shown_when_nothing_is_wrong():
    assert "data-error-summary" not in summary_of(form=Details())
    assert "data-error-summary" not in summary_of(errors=[])


def test_a_form_rendered_with_crispy_forms_has_one_summary_above_its_fields():
    html = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(
        Context({"form": Details({})})
    )
    assert html.count("data-error-summary") == 1
    assert html.index("data-error-summary") < html.index('name="name"')
    assert html.count("Nothing can be saved for this family yet.") == 1
