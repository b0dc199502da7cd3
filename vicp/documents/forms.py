from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from vicp.forms import DateInput
from vicp.models import Document

from . import files


def _file_field(label: str) -> forms.FileField:
    return forms.FileField(
        label=label,
        help_text=(
            f"{files.KINDS_IN_WORDS}; up to {files.size_in_words(files.max_bytes())}. "
            "On a phone you can take a photo of a paper document."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": files.ACCEPT}),
        error_messages={"required": "Choose the file to upload."},
    )


class CheckedFileMixin:
    def clean_file(self):
        file = self.cleaned_data["file"]
        try:
            files.check(file)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        return file


class DocumentForm(CheckedFileMixin, forms.Form):
    """A new document on a record. The file's type is read from its content; what cannot
    be kept is said beside the file, with every other problem of the form at once."""

    file = _file_field("File")
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="What it is, so others can find it: “Child protection plan, Nov 2026”.",
        error_messages={
            "required": "Give the document a title.",
            "max_length": "Keep the title to 200 characters or fewer.",
        },
    )
    kind = forms.ChoiceField(
        label="What kind of document is it?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what kind of document it is.",
            "invalid_choice": "Choose one of the kinds of document listed.",
        },
    )
    about_on = forms.DateField(
        label="The date it is about",
        widget=DateInput(),
        help_text="The document's own date, or the meeting's it records.",
        error_messages={
            "required": "Give the date the document is about.",
            "invalid": "Give the date as a day, month and year, such as 1/12/2026.",
        },
    )
    shared_with_volunteer = forms.BooleanField(
        label="Share it with the volunteer working with the family",
        required=False,
        help_text="They can read it while they are matched with the family, and no longer.",
    )

    def __init__(self, *args, kinds=(), may_share=False, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Document.Kind.choices)
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in kinds]
        if not may_share:
            del self.fields["shared_with_volunteer"]

    def clean_about_on(self):
        about_on = self.cleaned_data["about_on"]
        if about_on > timezone.localdate():
            raise ValidationError("The date it is about cannot be in the future.")
        return about_on


class ReplaceForm(CheckedFileMixin, forms.Form):
    file = _file_field("The new file")
    note = forms.CharField(
        label="What changed (optional)",
        max_length=500,
        required=False,
        help_text="For example “Signed copy” or “Plan after the review conference”.",
        error_messages={"max_length": "Say what changed in 500 characters or fewer."},
    )


class DeleteForm(forms.Form):
    reason = forms.CharField(
        label="Why is it being deleted?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={
            "required": "Say why the document is being deleted.",
            "max_length": "Say why in 1,000 characters or fewer.",
        },
    )
