from django import forms
from django.test import SimpleTestCase

from vicp.forms import LongSelect

CHOICES = [("", "Any volunteer"), ("1", "Amy <Doe> & co"), ("2", "Ben O'Neil"), ("3", "Cai")]


class _Form(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False, help_text="Who worked there.")
    long = forms.ChoiceField(
        choices=CHOICES, required=False, help_text="Who worked there.", widget=LongSelect
    )


class LongSelectTests(SimpleTestCase):
    def _both(self, form, **attrs):
        plain = form["plain"].as_widget(attrs=attrs)
        long = form["long"].as_widget(attrs=attrs).replace('name="long"', 'name="plain"')
        return plain, long.replace("id_long", "id_plain")

    def test_it_writes_what_djangos_select_writes(self):
        plain, long = self._both(_Form(), **{"class": "form-select"})
        self.assertHTMLEqual(long, plain)
        self.assertIn("Amy &lt;Doe&gt; &amp; co", long)

    def test_the_chosen_option_stays_selected_and_a_required_field_says_so(self):
        form = _Form(data={"plain": "2", "long": "2"})
        form.fields["plain"].required = form.fields["long"].required = True
        plain, long = self._both(form)
        self.assertHTMLEqual(long, plain)
        self.assertIn('<option value="2" selected>', long)
        self.assertIn(" required", long)
