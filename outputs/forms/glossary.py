"""Forms of the glossary pages: a proposal, its revision, a decision and a successor."""

from django import forms
from django.utils.translation import gettext_lazy as _

from capabilities.models import Institute, TechnologyArea
from collaborations.models import TechnicalWorkingArea
from nmiq_portal.core.numbers import IntegerField, ModelForm

from ..models import Term
from ..services import TERM_FIELDS

MAX_SYNONYMS = 20


class SynonymsField(forms.CharField):
    """Synonyms one a line (or separated by semicolons)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        synonyms = [part.strip() for line in text.splitlines() for part in line.split(";")]
        synonyms = [synonym for synonym in synonyms if synonym]
        if len(synonyms) > MAX_SYNONYMS:
            raise forms.ValidationError(
                _("List at most %(max)d synonyms.") % {"max": MAX_SYNONYMS}, code="too_many"
            )
        for synonym in synonyms:
            if len(synonym) > 200:
                raise forms.ValidationError(
                    _("Keep each synonym under 200 characters."), code="too_long"
                )
        return synonyms


class TermForm(ModelForm):
    """A term as its proposer writes it; a new one is proposed for one of their institutes."""

    version = IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    synonyms = SynonymsField(
        label=_("Synonyms"),
        required=False,
        help_text=_("One a line, as the source lists them."),
    )
    institute = forms.ModelChoiceField(
        label=_("Proposed for"),
        queryset=Institute.objects.none(),
        help_text=_("The institute you propose the term for."),
    )

    source_url = forms.URLField(
        label=_("Source address"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_("Where the source can be read, if it is online."),
    )

    class Meta:
        model = Term
        fields = list(TERM_FIELDS)
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 4}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technology_area"].queryset = TechnologyArea.objects.order_by("path")
        self.fields["twa"].queryset = TechnicalWorkingArea.objects.public().order_by("number")
        self.fields["twa"].label_from_instance = lambda twa: f"TWA {twa.number} — {twa.title}"
        if self.instance.pk is not None:
            del self.fields["institute"]  # who proposed a term does not change
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
        else:
            mine = Institute.objects.filter(memberships__user=user).order_by("acronym")
            self.fields["institute"].queryset = mine
            self.fields["institute"].label_from_instance = lambda institute: (
                f"{institute.acronym} — {institute.name}"
            )
            if user.is_staff:
                self.fields["institute"].required = False
            if len(mine) == 1:
                self.fields["institute"].initial = mine[0].pk

    def term_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in TERM_FIELDS}


class SupersedeForm(forms.Form):
    successor = forms.ModelChoiceField(label=_("Superseded by"), queryset=Term.objects.none())
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, successors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = successors
        self.fields["successor"].to_field_name = "slug"
