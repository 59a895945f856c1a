"""Forms of the guide pages: the guide, an uploaded version, and the moves of a version."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from capabilities.models import Institute, TechnologyArea
from collaborations.enums import PUBLIC_PROJECT_STATUSES
from collaborations.models import Project, TechnicalWorkingArea
from nmiq_portal.core.numbers import IntegerField, ModelForm

from ..models import Guide, GuideVersion


class GuideForm(ModelForm):
    """A guide as its authors describe it; the authoring institutes include one of theirs."""

    version = IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = Guide
        fields = ["title", "summary", "twa", "project", "institutes", "technology_areas"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "institutes": forms.SelectMultiple(attrs={"size": 6}),
            "technology_areas": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["twa"].queryset = TechnicalWorkingArea.objects.public().order_by("number")
        self.fields["twa"].label_from_instance = lambda twa: f"TWA {twa.number} — {twa.title}"
        self.fields["project"].queryset = (
            Project.objects.filter(status__in=PUBLIC_PROJECT_STATUSES)
            .select_related("twa")
            .order_by("acronym")
        )
        self.fields["project"].label_from_instance = lambda p: f"{p.acronym} — {p.title}"
        self.fields["institutes"].queryset = Institute.objects.public().order_by("acronym")
        self.fields["institutes"].label_from_instance = lambda i: f"{i.acronym} — {i.name}"
        self.fields["institutes"].help_text = _("One of them at least must be yours.")
        self.fields["technology_areas"].queryset = TechnologyArea.objects.order_by("path")
        self.fields["technology_areas"].required = False
        if self.instance.pk is not None:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]
            self.fields["institutes"].initial = list(
                Institute.objects.filter(memberships__user=user).values_list("pk", flat=True)
            )

    def guide_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class GuideVersionForm(ModelForm):
    """A version's number, change notes and PDF (checked by the service, by its content)."""

    version = IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # Not the model's field: the stored name is the service's, never the uploader's.
    file = forms.FileField(
        label=_("PDF file"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    authors = forms.ModelMultipleChoiceField(
        label=_("Co-authors"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Members of the authoring institutes; you are an author already."),
    )

    class Meta:
        model = GuideVersion
        fields = ["number", "change_notes"]
        widgets = {"change_notes": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, guide: Guide, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authors"].queryset = (
            get_user_model()
            .objects.filter(memberships__institute__in=guide.institutes.all(), is_active=True)
            .distinct()
            .order_by("name", "email")
        )
        self.fields["file"].help_text = _(
            "A PDF of at most %(limit)s, not encrypted, without JavaScript."
        ) % {"limit": filesizeformat(settings.GUIDE_MAX_UPLOAD_BYTES)}
        self.fields["change_notes"].help_text = _("Markdown: what changed since the last version.")
        if self.instance.pk is not None:
            self.fields["file"].required = False
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version
            self.fields["authors"].initial = list(
                self.instance.authors.values_list("pk", flat=True)
            )
        else:
            del self.fields["version"]


class GuideTransitionForm(forms.Form):
    action = forms.CharField(max_length=40)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
