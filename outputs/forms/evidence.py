"""Citing a published output as evidence from one of the user's testbeds or services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from capabilities.models import Testbed


def _choice(record) -> str:
    return f"{record._meta.model_name}:{record.uuid}"


class CiteForm(forms.Form):
    record = forms.ChoiceField(label=_("Testbed or service"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        help_text=_("e.g. which of its results or which chapter supports the record."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {_choice(record): record for record in candidates}
        self.fields["record"].choices = [
            (
                key,
                f"{record.institute.acronym} · "
                f"{_('Testbed') if isinstance(record, Testbed) else _('Service')}: {record.name}",
            )
            for key, record in self.candidates.items()
        ]

    def clean_record(self):
        return self.candidates[self.cleaned_data["record"]]
