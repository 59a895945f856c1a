"""Forms of the benchmark pages: a benchmark, a result (with a CSV of samples), a Metriq file."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from capabilities.models import Institute, TechnologyArea
from collaborations.enums import PUBLIC_PROJECT_STATUSES
from collaborations.models import Project, TechnicalWorkingArea
from nmiq_portal.core.numbers import FloatField, IntegerField, ModelForm

from ..benchmarks_math import split_quantity
from ..benchmarks_samples import read_samples
from ..models import Benchmark, BenchmarkResult
from ..services.benchmarks import BENCHMARK_FIELDS


class BenchmarkForm(ModelForm):
    """A benchmark as a coordinator of its working area defines it."""

    version = IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = Benchmark
        fields = list(BENCHMARK_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        twas = TechnicalWorkingArea.objects.public().order_by("number")
        if not user.is_staff:
            twas = twas.filter(coordinators=user)
        self.fields["twa"].queryset = twas
        self.fields["twa"].label_from_instance = lambda twa: f"TWA {twa.number} — {twa.title}"
        self.fields["technology_area"].queryset = TechnologyArea.objects.order_by("path")
        self.fields["technology_area"].label_from_instance = lambda a: a.path.replace("/", " / ")
        if self.instance.pk is not None:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


def _conditions_text(conditions) -> str:
    return "\n".join(f"{row['name']} = {row['value']}" for row in conditions or ())


class ResultForm(forms.Form):
    """A result as its authors type it: numbers with their units, conditions one per line."""

    version = IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    institute = forms.ModelChoiceField(label=_("Institute"), queryset=Institute.objects.none())
    provider = forms.CharField(label=_("Platform provider"), max_length=100)
    device = forms.CharField(label=_("Device"), max_length=200)
    qubit_count = IntegerField(label=_("Qubits"), required=False, min_value=1)
    value = forms.CharField(
        label=_("Value"),
        max_length=80,
        help_text=_("With its unit when it is not the benchmark's, e.g. “0.12 ms”."),
    )
    uncertainty_kind = forms.ChoiceField(
        label=_("Uncertainty given as"),
        choices=BenchmarkResult._meta.get_field("uncertainty_kind").choices,
    )
    uncertainty = forms.CharField(
        label=_("Uncertainty"),
        max_length=80,
        required=False,
        help_text=_("u or U, with its unit if it differs; leave empty when it is not stated."),
    )
    coverage_factor = FloatField(label=_("Coverage factor k"), required=False)
    measured_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    method = forms.CharField(label=_("Method"), max_length=300, required=False)
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), required=False
    )
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name = value, e.g. “temperature = 10 mK”."),
    )
    samples = forms.FileField(
        label=_("Raw samples (CSV)"),
        required=False,
        help_text=_(
            "A column “value” in the benchmark's unit, and “time” in seconds for a time trace."
        ),
    )

    def __init__(self, *args, user, benchmark, result=None, **kwargs):
        if result is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "version": result.version,
                "institute": result.institute_id,
                "provider": result.provider,
                "device": result.device,
                "qubit_count": result.qubit_count,
                "value": result.value_as_given,
                "uncertainty_kind": result.uncertainty_kind,
                "uncertainty": result.uncertainty_as_given,
                "coverage_factor": result.coverage_factor,
                "measured_on": result.measured_on,
                "method": result.method,
                "project": result.project_id,
                "conditions": _conditions_text(result.conditions),
            }
        super().__init__(*args, **kwargs)
        self.benchmark = benchmark
        if result is None:
            del self.fields["version"]
            self.fields["institute"].queryset = Institute.objects.filter(
                verified=True, memberships__user=user
            ).order_by("acronym")
            self.fields["institute"].label_from_instance = lambda i: f"{i.acronym} — {i.name}"
        else:
            del self.fields["institute"]
            self.fields["version"].required = True
        self.fields["project"].queryset = Project.objects.filter(
            twa=benchmark.twa, status__in=PUBLIC_PROJECT_STATUSES
        ).order_by("acronym")
        self.fields["project"].label_from_instance = lambda p: f"{p.acronym} — {p.title}"

    def clean_value(self):
        return split_quantity(self.cleaned_data["value"])

    def clean_uncertainty(self):
        text = self.cleaned_data["uncertainty"].strip()
        return split_quantity(text) if text else (None, "")

    def clean_conditions(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["conditions"].splitlines(), start=1):
            if not line.strip():
                continue
            name, equals, value = line.partition("=")
            if not equals:
                raise ValidationError(
                    _("Line %(line)d: write “name = value”.") % {"line": number}, code="condition"
                )
            rows.append({"name": name.strip(), "value": value.strip()})
        return rows

    def clean_samples(self):
        upload = self.cleaned_data["samples"]
        return read_samples(upload) if upload else None

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("institute", None)
        data["value"], data["value_unit"] = data["value"]
        data["uncertainty"], data["uncertainty_unit"] = data["uncertainty"]
        if data["samples"] is None:
            del data["samples"]
        return data


class ResultImportForm(forms.Form):
    """A Metriq file (a record's JSON or the flat CSV) for one of the user's institutes."""

    institute = forms.ModelChoiceField(label=_("For the institute"), queryset=Institute.objects)
    file = forms.FileField(
        label=_("Metriq file"),
        help_text=_("A metriq-gym result (.json) or the flattened table of them (.csv)."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institute"].queryset = Institute.objects.filter(
            verified=True, memberships__user=user
        ).order_by("acronym")
        self.fields["institute"].label_from_instance = lambda i: f"{i.acronym} — {i.name}"
