"""Forms of the capabilities pages."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nmiq_portal.core.numbers import IntegerField, ModelForm

from . import imports
from .enums import (
    AccessMode,
    AccessRequestStatus,
    Audience,
    ContactStatus,
    ImportKind,
    MemberRole,
    ServiceStatus,
    TestbedStatus,
    Visibility,
)
from .fields import QuantityField
from .models import (
    CapabilityRecord,
    Contact,
    Evidence,
    Institute,
    ReadinessLevel,
    Service,
    TechnologyArea,
    Testbed,
)
from .services import (
    CONTACT_FIELDS,
    EVIDENCE_FIELDS,
    RELATIONS,
    SERVICE_FIELDS,
    TESTBED_FIELDS,
)


class InstituteForm(ModelForm):
    """What an institute says of itself; verification stays with portal staff."""

    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", max_length=200
    )

    class Meta:
        model = Institute
        fields = ["name", "acronym", "kind", "economy", "rmo", "website", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.EDITOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


# --- Editing testbeds, services, contacts and the institute profile ---------------------------


class _LinesField(forms.CharField):
    """Text with one item a line, cleaned to a list; the stored list shown back as lines."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        lines = [line.strip() for line in (super().to_python(value) or "").splitlines()]
        items, errors = [], []
        for number, line in enumerate(lines, start=1):
            if not line:
                continue
            try:
                items.append(self.parse_line(line))
            except ValidationError as error:
                errors.extend(
                    _("Line %(number)d: %(reason)s") % {"number": number, "reason": message}
                    for message in error.messages
                )
        if errors:
            raise ValidationError(errors)
        return items

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(self.format_item(item) for item in value)
        return value


class LinksField(_LinesField):
    """Links of a testbed as lines "title | https://url"."""

    def parse_line(self, line: str) -> dict:
        title, bar, url = line.rpartition("|")
        if not bar:
            title, url = "", line
        url = forms.URLField(assume_scheme="https").clean(url.strip())
        return {"title": title.strip() or url, "url": url}

    def format_item(self, item) -> str:
        return f"{item.get('title', '')} | {item.get('url', '')}"


class ParametersField(_LinesField):
    """Conditions of a service as lines "name: value"."""

    def parse_line(self, line: str) -> dict:
        name, colon, value = line.partition(":")
        if not colon or not name.strip() or not value.strip():
            raise ValidationError(_("write it as “name: value”."))
        return {"name": name.strip(), "value": value.strip()}

    def format_item(self, item) -> str:
        return f"{item.get('name', '')}: {item.get('value', '')}"


class CommaListField(forms.CharField):
    """Words separated by commas, cleaned to a list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value) or ""
        return list(dict.fromkeys(item.strip() for item in text.split(",") if item.strip()))

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value


class AreaChoiceField(forms.ModelMultipleChoiceField):
    """The technology taxonomy in tree order; the template indents each by its depth."""

    widget = forms.CheckboxSelectMultiple


class RecordForm(ModelForm):
    """What the editing pages share: the editor's ``version`` of the record, the institute's own
    choices, and the fields grouped under headings. Forms validate; services save."""

    version = IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    #: (heading, field names) in the order the page shows them.
    groups: tuple = ()
    retired_status = ""

    def __init__(self, *args, institute, **kwargs):
        super().__init__(*args, **kwargs)
        self.institute = institute
        editing = self.instance.pk is not None
        self.fields["version"].required = editing
        if editing:
            self.fields["version"].initial = self.instance.version
        if "status" in self.fields:
            if editing and self.instance.status == self.retired_status:
                del self.fields["status"]  # retired stays retired until someone reinstates it
            else:
                self.fields["status"].choices = [
                    choice
                    for choice in self.fields["status"].choices
                    if choice[0] != self.retired_status
                ]
        if "contacts" in self.fields:
            linked = self.instance.contacts.all() if editing else Contact.objects.none()
            self.fields["contacts"].queryset = Contact.objects.filter(
                Q(institute=institute) & (~Q(status=ContactStatus.RETIRED) | Q(pk__in=linked))
            ).order_by("name")

    def record_data(self) -> dict:
        """The cleaned values the services take (everything but the version)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "version" and name in self.fields
        }

    def grouped(self):
        """[(heading, [bound fields], in two columns?)] for the template, leaving out removed
        fields; the operating ranges show "from" beside "to"."""
        return [
            (
                heading,
                [self[name] for name in names if name in self.fields],
                names == CapabilityRecordForm.RANGE_GROUP[1],
            )
            for heading, names in self.groups
        ]


class CapabilityRecordForm(RecordForm):
    """Fields testbeds and services share."""

    visibility = forms.ChoiceField(
        label=_("Who sees it once published"),
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    technology_areas = AreaChoiceField(
        label=_("Technology areas"),
        queryset=TechnologyArea.objects.order_by("path"),
        required=False,
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts"),
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People of your institute to ask about it."),
    )
    access_modes = forms.MultipleChoiceField(
        label=_("Access modes"),
        choices=AccessMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audiences = forms.MultipleChoiceField(
        label=_("Who may use it"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    temperature_min_k = QuantityField(dimension="temperature", label=_("Temperature from"))
    temperature_max_k = QuantityField(dimension="temperature", label=_("Temperature to"))
    frequency_min_hz = QuantityField(dimension="frequency", label=_("Frequency from"))
    frequency_max_hz = QuantityField(dimension="frequency", label=_("Frequency to"))
    wavelength_min_nm = QuantityField(dimension="wavelength", label=_("Wavelength from"))
    wavelength_max_nm = QuantityField(dimension="wavelength", label=_("Wavelength to"))

    RANGE_GROUP = (
        _("Operating ranges"),
        tuple(field for pair in CapabilityRecord.RANGE_FIELDS.values() for field in pair),
    )


class TestbedForm(CapabilityRecordForm):
    quantities = CommaListField(
        label=_("Measured quantities"),
        help_text=_("Separated by commas, e.g. attenuation, noise temperature, T1."),
    )
    links = LinksField(label=_("Links"), help_text=_("One a line: “title | https://…”."))
    readiness = forms.ModelChoiceField(
        label=_("Readiness"), queryset=ReadinessLevel.objects.all(), required=False
    )

    retired_status = TestbedStatus.RETIRED
    groups = (
        (_("Testbed"), ("name", "summary", "description", "status", "readiness")),
        (_("What it does"), ("technology_areas", "quantities", "si_traceable")),
        CapabilityRecordForm.RANGE_GROUP,
        (_("Access"), ("visibility", "access_modes", "audiences", "contacts")),
        (_("Location"), ("city", "latitude", "longitude")),
        (_("Links"), ("links",)),
    )

    class Meta:
        model = Testbed
        fields = [*TESTBED_FIELDS, *RELATIONS]
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        levels = ReadinessLevel.objects.select_related("scale").order_by("scale_id", "level")
        grouped: dict[str, list] = {}
        for level in levels:
            grouped.setdefault(level.scale.label, []).append(
                (level.pk, f"{level.level} — {level.label}")
            )
        self.fields["readiness"].choices = [("", "—"), *grouped.items()]


class ServiceForm(CapabilityRecordForm):
    parameters = ParametersField(
        label=_("Parameters"),
        help_text=_("Conditions, one a line: “name: value”, e.g. “wavelength: 1550 nm”."),
    )
    testbed = forms.ModelChoiceField(
        label=_("Related testbed"), queryset=Testbed.objects.none(), required=False
    )

    retired_status = ServiceStatus.RETIRED
    groups = (
        (_("Service"), ("name", "kind", "status", "summary", "description", "kcdb_code")),
        (_("What is measured"), ("technology_areas", "quantity", "range_lower", "range_upper",
                                 "range_unit", "method", "instrument", "instrument_method",
                                 "parameters", "traceability", "si_traceable")),
        (_("KCDB service category"), ("metrology_area", "branch", "kcdb_service", "sub_service",
                                      "individual_service")),
        (_("Expanded uncertainty"), ("uncertainty_mode", "uncertainty_lower",
                                     "uncertainty_upper", "uncertainty_unit",
                                     "uncertainty_equation", "uncertainty_table",
                                     "coverage_factor", "confidence_level")),
        CapabilityRecordForm.RANGE_GROUP,
        (_("Access"), ("visibility", "access_modes", "audiences", "charging", "lead_time",
                       "testbed", "contacts")),
    )  # fmt: skip

    class Meta:
        model = Service
        fields = [*SERVICE_FIELDS, *RELATIONS]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "traceability": forms.Textarea(attrs={"rows": 3}),
            "uncertainty_equation": forms.Textarea(attrs={"rows": 2}),
            "uncertainty_table": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["testbed"].queryset = Testbed.objects.filter(institute=self.institute).order_by(
            "name"
        )


class ContactForm(RecordForm):
    retired_status = ContactStatus.RETIRED
    groups = ((_("Contact"), CONTACT_FIELDS),)

    class Meta:
        model = Contact
        fields = list(CONTACT_FIELDS)


class InstituteEditForm(InstituteForm):
    """The profile an institute's admins keep; ``version`` guards against lost updates."""

    version = IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta(InstituteForm.Meta):
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["description"].help_text = _("Markdown: headings, lists, links, tables.")

    def institute_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class DateInput(forms.DateInput):
    input_type = "date"


class HoneypotForm(forms.Form):
    """A form robots fill in: ``website`` is hidden from people (the template keeps it apart),
    so a submission that fills it is a robot's, answered as a person's and dropped."""

    HONEYPOT = "website"

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get(self.HONEYPOT))


class AccessRequestForm(forms.Form):
    """What someone asking for access to a testbed or service tells its institute."""

    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        help_text=_("The company, university or institute you ask for."),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you would like to measure or test, with which devices or samples."),
    )
    preferred_start = forms.DateField(label=_("Preferred start"), required=False, widget=DateInput)
    preferred_end = forms.DateField(label=_("Preferred end"), required=False, widget=DateInput)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("preferred_start"), cleaned.get("preferred_end")
        if start and end and start > end:
            self.add_error("preferred_end", _("The end must not be before the start."))
        return cleaned


class AccessRequestWithAccountForm(HoneypotForm, AccessRequestForm):
    """The request of a visitor without an account, sent beside allauth's sign-up form. The
    dates are checked here, not only by the service, so that every refusal comes before the
    address is looked at (whether it has an account is never said)."""

    def clean_preferred_start(self):
        start = self.cleaned_data.get("preferred_start")
        if start is not None and start < timezone.localdate():
            raise forms.ValidationError(_("Choose a date from today on."))
        return start


class AccessRequestAnswerForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the requester"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AccessRequestMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AccessRequestWithdrawForm(forms.Form):
    comment = forms.CharField(
        label=_("Why (optional)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ContactMessageForm(HoneypotForm):
    """A visitor's message to a record's contact (``website``: the honeypot)."""

    contact = forms.TypedChoiceField(label=_("To"), coerce=str)
    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The contact answers you there; they see it, nobody else does."),
    )
    message = forms.CharField(
        label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.contacts = {str(contact.uuid): contact for contact in contacts}
        self.fields["contact"].choices = [
            (key, f"{contact.name} — {contact.function}" if contact.function else contact.name)
            for key, contact in self.contacts.items()
        ]
        if len(self.contacts) == 1:
            self.fields["contact"].initial = next(iter(self.contacts))

    def message_data(self) -> dict:
        data = self.cleaned_data
        return {
            "contact": self.contacts[data["contact"]],
            "name": data["name"],
            "email": data["email"],
            "message": data["message"],
        }


class AccessRequestFilterForm(forms.Form):
    box = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All")),
            ("sent", _("Sent by me")),
            ("received", _("Received by my institutes")),
        ],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *AccessRequestStatus.choices],
    )


class SavedSearchForm(forms.Form):
    name = forms.CharField(label=_("Name of the search"), max_length=120)
    query = forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput)


class SavedSearchAlertsForm(forms.Form):
    alerts = forms.BooleanField(label=_("E-mail me new matches"), required=False)


class ImportForm(forms.Form):
    """A CSV or XLSX file of testbeds or services; its rows are read here, checked by the
    service."""

    kind = forms.ChoiceField(label=_("The file lists"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (UTF-8) or Excel (.xlsx), with the columns of the template or the KCDB's own; "
            "or the KCDB API's CMC records as JSON."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
                },
                code="size",
            )
        self.rows = imports.read_table(upload, max_rows=settings.IMPORT_MAX_ROWS)
        return upload


#: Prefixes people paste in front of a DOI; the DOI is what follows them.
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")


class EvidenceForm(ModelForm):
    """An item of "how we know": a comparison, benchmark, guide or paper behind a record."""

    url = forms.URLField(
        label=_("Web address"), required=False, assume_scheme="https", max_length=500
    )
    version = IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = Evidence
        fields = list(EVIDENCE_FIELDS)
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version

    def clean_doi(self):
        doi = self.cleaned_data["doi"].strip()
        for prefix in DOI_PREFIXES:
            if doi.lower().startswith(prefix):
                return doi[len(prefix) :].strip()
        return doi

    def evidence_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in EVIDENCE_FIELDS}
