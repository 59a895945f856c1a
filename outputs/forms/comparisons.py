"""Forms of the comparison pages: the comparison and a participant's result."""

from django import forms
from django.utils.translation import gettext_lazy as _

from capabilities.models import Institute
from collaborations.enums import ProjectKind
from collaborations.models import Project
from nmiq_portal.core.numbers import IntegerField, ModelForm

from ..models import Comparison, ComparisonResult
from ..selectors.comparisons import records_for_results
from ..services.comparisons import COMPARISON_FIELDS, RESULT_FIELDS


class ComparisonForm(ModelForm):
    """A comparison as its lead institute writes it; on a new one, the project is one of the
    comparison projects the user's institutes lead that have none yet."""

    version = IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    project = forms.ModelChoiceField(label=_("Comparison project"), queryset=Project.objects.none())

    class Meta:
        model = Comparison
        fields = ["project", *COMPARISON_FIELDS]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["project"]
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
        else:
            self.fields["project"].queryset = Project.objects.filter(
                kind=ProjectKind.COMPARISON,
                lead_institute__memberships__user=user,
                comparison__isnull=True,
            ).order_by("acronym")
            self.fields["project"].label_from_instance = lambda p: f"{p.acronym} — {p.title}"

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class ResultForm(ModelForm):
    """A participant's result; ``version`` is the comparison's."""

    version = IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = ComparisonResult
        fields = list(RESULT_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, comparison, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = comparison.version
        self.fields["institute"].queryset = Institute.objects.filter(verified=True).order_by(
            "acronym"
        )
        self.fields["institute"].label_from_instance = lambda i: f"{i.acronym} — {i.name}"
        testbeds, services = records_for_results(user=user)
        self.fields["testbed"].queryset = testbeds
        self.fields["service"].queryset = services
        for name in ("testbed", "service"):
            self.fields[name].label_from_instance = lambda r: f"{r.institute.acronym}: {r.name}"

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}
