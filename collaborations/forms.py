"""Forms of the collaborations pages: the proposal, its deliverables, decisions, participation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from capabilities.fields import QuantityField
from capabilities.models import Institute, TechnologyArea
from nmiq_portal.core.numbers import IntegerField, ModelForm

from .models import IndustryNeed, NeedAnswer, Project, TechnicalWorkingArea
from .permissions import industry_institutes
from .services import NEED_FIELDS, PROPOSAL_FIELDS

MARKDOWN_FIELDS = ("objectives", "work_plan", "expected_outputs")


class DateInput(forms.DateInput):
    input_type = "date"


class ProjectForm(ModelForm):
    """A proposal as its proposer writes it; on a new one, the lead institute is one of the
    proposer's own."""

    version = IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    lead_institute = forms.ModelChoiceField(
        label=_("Lead institute"),
        queryset=Institute.objects.none(),
        help_text=_("One of your institutes; its members submit the proposal and manage it."),
    )

    class Meta:
        model = Project
        fields = ["twa", *PROPOSAL_FIELDS]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 5}),
            "work_plan": forms.Textarea(attrs={"rows": 8}),
            "expected_outputs": forms.Textarea(attrs={"rows": 4}),
            "start_date": DateInput,
            "end_date": DateInput,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        self.fields["twa"].queryset = TechnicalWorkingArea.objects.public().order_by("number")
        self.fields["twa"].label_from_instance = lambda twa: f"TWA {twa.number} — {twa.title}"
        if editing:
            del self.fields["lead_institute"]  # the lead's participation is the project's own
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
        else:
            mine = Institute.objects.filter(memberships__user=user).order_by("acronym")
            self.fields["lead_institute"].queryset = mine
            self.fields["lead_institute"].label_from_instance = lambda institute: (
                f"{institute.acronym} — {institute.name}"
            )
            if len(mine) == 1:
                self.fields["lead_institute"].initial = mine[0].pk
        for name in MARKDOWN_FIELDS:
            self.fields[name].help_text = _("Markdown: headings, lists, links, tables.")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and start > end:
            self.add_error("end_date", _("The end must not be before the start."))
        return cleaned

    def project_data(self) -> dict:
        """The cleaned values the services take (everything but the version)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class DeliverableForm(forms.Form):
    title = forms.CharField(label=_("Deliverable"), max_length=200)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BaseDeliverableFormSet(forms.BaseFormSet):
    def deliverables(self) -> list[dict]:
        """The deliverables kept, in the order written (their position); blank rows and removed
        ones dropped."""
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        return [
            {
                "title": item["title"],
                "due_date": item["due_date"],
                "description": item.get("description", ""),
            }
            for item in kept
        ]

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this deliverable")


DeliverableFormSet = forms.formset_factory(
    DeliverableForm, formset=BaseDeliverableFormSet, extra=2, can_delete=True, max_num=50
)


def deliverable_formset(data=None, *, project=None) -> BaseDeliverableFormSet:
    initial = None
    if project is not None and project.pk:
        initial = [
            {"title": d.title, "due_date": d.due_date, "description": d.description}
            for d in project.deliverables.all()
        ]
    return DeliverableFormSet(data, initial=initial, prefix="deliverables")


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=40)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewForm(forms.Form):
    """A coordinator's review: a score on the working area's scale and what it rests on."""

    score = forms.TypedChoiceField(label=_("Score"), coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Your review"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the score rests on; the other coordinators read it."),
    )

    def __init__(self, *args, scale: range, **kwargs):
        super().__init__(*args, **kwargs)
        top = scale[-1]
        self.fields["score"].choices = [(n, str(n)) for n in scale]
        self.fields["score"].help_text = _("1 is the lowest, %(top)d the highest.") % {"top": top}


class InstituteChoiceForm(forms.Form):
    """An institute chosen among those offered (``institutes``)."""

    institute = forms.ModelChoiceField(label=_("Institute"), queryset=Institute.objects.none())

    def __init__(self, *args, institutes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institute"].queryset = institutes
        self.fields["institute"].label_from_instance = lambda institute: (
            f"{institute.acronym} — {institute.name}"
        )


class FinalReportForm(forms.Form):
    final_report_url = forms.URLField(
        label=_("Address of the final report"), assume_scheme="https", max_length=200
    )


# --- industry needs ---


class NeedForm(ModelForm):
    """A need as its poster writes it: what, where in the taxonomy, the ranges with their
    units, how urgent, and who may see it."""

    version = IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    institute = forms.ModelChoiceField(
        label=_("Posted for"),
        queryset=Institute.objects.none(),
        help_text=_("The industry consortium or company that needs the measurement."),
    )
    temperature_min_k = QuantityField(dimension="temperature", label=_("Temperature from"))
    temperature_max_k = QuantityField(dimension="temperature", label=_("Temperature to"))
    frequency_min_hz = QuantityField(dimension="frequency", label=_("Frequency from"))
    frequency_max_hz = QuantityField(dimension="frequency", label=_("Frequency to"))
    wavelength_min_nm = QuantityField(dimension="wavelength", label=_("Wavelength from"))
    wavelength_max_nm = QuantityField(dimension="wavelength", label=_("Wavelength to"))

    class Meta:
        model = IndustryNeed
        fields = list(NEED_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "needed_by": DateInput,
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        area = self.fields["technology_area"]
        area.queryset = TechnologyArea.objects.order_by("path")
        area.label_from_instance = lambda a: f"{'— ' * a.depth}{a.name}"
        if self.instance.pk is not None:
            del self.fields["institute"]
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
        else:
            mine = industry_institutes(user).order_by("acronym")
            self.fields["institute"].queryset = mine
            self.fields["institute"].label_from_instance = lambda i: f"{i.acronym} — {i.name}"
            if len(mine) == 1:
                self.fields["institute"].initial = mine[0].pk
        self.fields["description"].help_text = _(
            "Markdown: the device, the conditions, the uncertainty you need."
        )

    def clean(self):
        cleaned = super().clean()
        for low, high in IndustryNeed.RANGE_FIELDS.values():
            lo, hi = cleaned.get(low), cleaned.get(high)
            if lo is not None and hi is not None and lo > hi:
                self.add_error(high, _("The upper end must not be below the lower end."))
        return cleaned

    def need_data(self) -> dict:
        """The cleaned values the services take (everything but the version)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class CapabilityAnswerForm(forms.Form):
    """One of the answerer's institute's testbeds or services, and a word about it."""

    record = forms.ChoiceField(label=_("Testbed or service"))
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, records: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.records = {
            f"{kind}:{record.pk}": record for kind, rows in records.items() for record in rows
        }
        self.fields["record"].choices = [
            (key, f"{record.name} ({record.institute.acronym})")
            for key, record in self.records.items()
        ]

    def clean_record(self):
        return self.records[self.cleaned_data["record"]]


class CommentAnswerForm(forms.Form):
    institute = forms.ModelChoiceField(label=_("Answer for"), queryset=Institute.objects.none())
    comment = forms.CharField(
        label=_("Your answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, institutes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institute"].queryset = institutes
        self.fields["institute"].label_from_instance = lambda i: f"{i.acronym} — {i.name}"
        if len(institutes) == 1:
            self.fields["institute"].initial = institutes[0].pk


class NeedMetForm(forms.Form):
    answer = forms.ModelChoiceField(
        label=_("Met by"), queryset=NeedAnswer.objects.none(), widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].queryset = answers
        self.fields["answer"].label_from_instance = lambda a: (
            f"{a.institute.acronym}: {a.get_kind_display()}"
        )


class AreaChoiceForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Technology area"), queryset=TechnologyArea.objects.none(), to_field_name="slug"
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["area"].label_from_instance = lambda a: f"{'— ' * a.depth}{a.name}"
