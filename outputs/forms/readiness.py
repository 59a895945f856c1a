"""The form of a readiness assessment, as its author records and revises it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from capabilities.models import Institute, ReadinessLevel, TechnologyArea
from collaborations.models import TechnicalWorkingArea
from nmiq_portal.core.numbers import IntegerField, ModelForm

from ..models import ReadinessAssessment
from ..services import ASSESSMENT_FIELDS

MAX_REFERENCES = 30


class LinesField(forms.CharField):
    """Values one a line (DOIs, standards' numbers)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        lines = [line.strip() for line in (super().to_python(value) or "").splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_REFERENCES:
            raise forms.ValidationError(
                _("List at most %(max)d, one a line.") % {"max": MAX_REFERENCES}, code="too_many"
            )
        return lines


class AssessmentForm(ModelForm):
    """An assessment: the area, the working area that reviews it, the level (of one scale)."""

    version = IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    dois = LinesField(label=_("DOIs"), required=False, help_text=_("One a line."))
    standards = LinesField(
        label=_("Standards"),
        required=False,
        help_text=_("By number, one a line, e.g. IEC 62899-202."),
    )
    institute = forms.ModelChoiceField(
        label=_("Assessed for"),
        queryset=Institute.objects.none(),
        required=False,
        help_text=_("Your institute: nobody from it reviews the assessment."),
    )

    class Meta:
        model = ReadinessAssessment
        fields = list(ASSESSMENT_FIELDS)
        widgets = {
            "rationale": forms.Textarea(attrs={"rows": 8}),
            "assessed_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technology_area"].queryset = TechnologyArea.objects.order_by("path")
        twas = TechnicalWorkingArea.objects.public().order_by("number")
        if not user.is_staff:
            twas = twas.filter(coordinators=user)
        self.fields["twa"].queryset = twas
        self.fields["twa"].label_from_instance = lambda twa: f"TWA {twa.number} — {twa.title}"
        levels = ReadinessLevel.objects.select_related("scale").order_by("scale__name", "level")
        grouped: dict[str, list] = {}
        for level in levels:
            grouped.setdefault(level.scale.name, []).append(
                (level.pk, f"{level.scale.slug.upper()} {level.level} — {level.name}")
            )
        self.fields["level"].choices = [("", "—"), *grouped.items()]
        if self.instance.pk is not None:
            del self.fields["institute"]  # for whom it was assessed does not change
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
        else:
            mine = Institute.objects.filter(memberships__user=user).order_by("acronym")
            self.fields["institute"].queryset = mine
            self.fields["institute"].label_from_instance = lambda institute: institute.acronym
            if len(mine) == 1:
                self.fields["institute"].initial = mine[0].pk

    def assessment_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ASSESSMENT_FIELDS}
