"""The directory's records: contacts, testbeds and services, with the visibility rules
every door reads them through."""

import uuid
from dataclasses import dataclass
from typing import ClassVar

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nmiq_portal.core.history import history_field

from ..enums import (
    AccessMode,
    Audience,
    Charging,
    ContactStatus,
    MetrologyArea,
    ServiceKind,
    ServiceStatus,
    TestbedStatus,
    UncertaintyMode,
    Visibility,
)
from ..search import FOLDED_NAME, TRIGRAM_NAME
from .institutes import Institute, Membership
from .taxonomy import ReadinessLevel, TechnologyArea


@dataclass(frozen=True)
class VisibilityScope:
    """What a viewer sees of the directory, in two parts: what everyone of their kind sees
    alike (``shared``: PUBLIC for anonymous people and those of no verified institute, MEMBERS
    for people of a verified institute, ALL for staff), and on top every record of their
    ``own`` institutes. Work counted over the shared part serves everyone of that kind."""

    PUBLIC: ClassVar[str] = "public"
    MEMBERS: ClassVar[str] = "members"
    ALL: ClassVar[str] = "all"

    shared: str
    own: frozenset = frozenset()
    #: Whether every one of ``own`` is verified (then none of them is beyond the shared part).
    own_verified: bool = True

    @classmethod
    def of(cls, user) -> "VisibilityScope":
        """``user``'s scope: one query for a signed-in person who is not staff."""
        if not user.is_authenticated:
            return cls(cls.PUBLIC)
        if user.is_staff:
            return cls(cls.ALL)
        memberships = dict(
            Membership.objects.filter(user=user.pk).values_list(
                "institute_id", "institute__verified"
            )
        )
        peer = any(memberships.values())
        return cls(
            cls.MEMBERS if peer else cls.PUBLIC,
            frozenset(memberships),
            own_verified=all(memberships.values()),
        )


class RecordQuerySet(models.QuerySet):
    """Visibility of what institutes publish: testbeds, services and contacts."""

    retired_status = ""
    has_visibility = True

    def _listed(self) -> Q:
        return Q(published=True, institute__verified=True) & ~Q(status=self.retired_status)

    def _shared(self, shared: str) -> Q:
        if shared == VisibilityScope.ALL:
            return Q()
        listed = self._listed()
        if not self.has_visibility:
            return listed
        shown = [Visibility.PUBLIC]
        if shared == VisibilityScope.MEMBERS:
            shown.append(Visibility.MEMBERS)
        return listed & Q(visibility__in=shown)

    def shared_in(self, scope: VisibilityScope):
        """What everyone of ``scope``'s kind sees (``visible_to`` adds their own institutes')."""
        return self.filter(self._shared(scope.shared))

    def own_beyond(self, scope: VisibilityScope):
        """The records of ``scope``'s own institutes that its shared part leaves out: drafts,
        their own-institute ones, those of an unverified institute…"""
        if scope.shared == VisibilityScope.ALL or not scope.own:
            return self.none()
        return self.filter(institute__in=scope.own).exclude(self._shared(scope.shared))

    def public(self):
        """What anyone, signed in or not, may see: published by a verified institute, not
        retired, and (testbeds and services) public."""
        listed = self._listed()
        if self.has_visibility:
            listed &= Q(visibility=Visibility.PUBLIC)
        return self.filter(listed)

    def visible_to(self, user):
        """Public records; members-only ones for people of verified institutes; everything of
        the user's own institutes, drafts included; portal staff see all."""
        if not user.is_authenticated:
            return self.public()
        if user.is_staff:
            return self.all()
        own = Q(institute__in=Membership.objects.filter(user=user.pk).values("institute_id"))
        if not self.has_visibility:
            return self.filter(self._listed() | own)
        peer = Exists(Membership.objects.filter(user=user.pk, institute__verified=True))
        shown = Q(visibility=Visibility.PUBLIC) | (Q(visibility=Visibility.MEMBERS) & peer)
        return self.filter((self._listed() & shown) | own)


class ContactQuerySet(RecordQuerySet):
    retired_status = ContactStatus.RETIRED
    has_visibility = False


class TestbedQuerySet(RecordQuerySet):
    retired_status = TestbedStatus.RETIRED


class ServiceQuerySet(RecordQuerySet):
    retired_status = ServiceStatus.RETIRED


class DirectoryRecord(models.Model):
    """What every record an institute keeps in the directory has."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institute = models.ForeignKey(
        Institute, on_delete=models.CASCADE, related_name="%(class)ss", verbose_name=_("institute")
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("A draft until its institute publishes it.")
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        abstract = True


@pghistory.track(exclude=["updated_at"], obj_field=history_field())
class Contact(DirectoryRecord):
    """A person to ask about an institute's testbeds and services."""

    name = models.CharField(_("name"), max_length=200)
    function = models.CharField(_("function"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ContactStatus.choices, default=ContactStatus.ACTIVE
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name", "id"], name="contact_by_name"),
            models.Index(fields=["-updated_at", "id"], name="contact_by_update"),
        ]

    def __str__(self):
        return f"{self.name} ({self.institute.acronym})"

    def get_absolute_url(self):
        return self.institute.get_absolute_url() + f"#contact-{self.uuid}"


class CapabilityRecord(DirectoryRecord):
    """Testbeds and services: searchable, filterable by technology, access and ranges."""

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    summary = models.CharField(
        _("summary"), max_length=300, blank=True, help_text=_("One or two sentences.")
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown: headings, lists, links, tables.")
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    technology_areas = models.ManyToManyField(
        TechnologyArea, blank=True, related_name="%(class)ss", verbose_name=_("technology areas")
    )
    technology_area_names = ArrayField(
        models.CharField(max_length=100),
        default=list,
        blank=True,
        editable=False,
        verbose_name=_("technology areas"),
        help_text=_("The areas' names as of each save, so the history shows changes of areas."),
    )
    access_modes = ArrayField(
        models.CharField(max_length=20, choices=AccessMode.choices),
        default=list,
        blank=True,
        verbose_name=_("access modes"),
    )
    audiences = ArrayField(
        models.CharField(max_length=20, choices=Audience.choices),
        default=list,
        blank=True,
        verbose_name=_("who may use it"),
    )
    si_traceable = models.BooleanField(_("SI traceable"), default=False)
    contacts = models.ManyToManyField(
        Contact, blank=True, related_name="%(class)ss", verbose_name=_("contacts")
    )
    temperature_min_k = models.FloatField(_("lowest temperature (K)"), null=True, blank=True)
    temperature_max_k = models.FloatField(_("highest temperature (K)"), null=True, blank=True)
    frequency_min_hz = models.FloatField(_("lowest frequency (Hz)"), null=True, blank=True)
    frequency_max_hz = models.FloatField(_("highest frequency (Hz)"), null=True, blank=True)
    wavelength_min_nm = models.FloatField(_("shortest wavelength (nm)"), null=True, blank=True)
    wavelength_max_nm = models.FloatField(_("longest wavelength (nm)"), null=True, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)

    RANGES = ("temperature", "frequency", "wavelength")
    RANGE_FIELDS = {
        "temperature": ("temperature_min_k", "temperature_max_k"),
        "frequency": ("frequency_min_hz", "frequency_max_hz"),
        "wavelength": ("wavelength_min_nm", "wavelength_max_nm"),
    }

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @staticmethod
    def range_constraints(prefix: str) -> list[models.CheckConstraint]:
        return [
            models.CheckConstraint(
                condition=Q(**{f"{low}__isnull": True})
                | Q(**{f"{high}__isnull": True})
                | Q(**{f"{low}__lte": F(high)}),
                name=f"{prefix}_{dimension}_ordered",
            )
            for dimension, (low, high) in CapabilityRecord.RANGE_FIELDS.items()
        ] + [
            models.CheckConstraint(
                condition=Q(**{f"{low}__isnull": True}) | Q(**{f"{low}__gte": 0}),
                name=f"{prefix}_{dimension}_not_negative",
            )
            for dimension, (low, _high) in CapabilityRecord.RANGE_FIELDS.items()
        ]

    def clean(self):
        errors = {}
        for low, high in self.RANGE_FIELDS.values():
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None and lo < 0:
                errors[low] = _("A range starts at zero or above.")
            if lo is not None and hi is not None and lo > hi:
                errors[high] = _("The upper end must not be below the lower end.")
        if errors:
            raise ValidationError(errors)


@pghistory.track(exclude=["search_vector", "updated_at"], obj_field=history_field())
class Testbed(CapabilityRecord):
    """A facility where devices are characterised: a cryostat, a fibre link, a clock lab."""

    quantities = ArrayField(
        models.CharField(max_length=100),
        default=list,
        blank=True,
        verbose_name=_("measured quantities"),
        help_text=_("What it measures, e.g. attenuation, noise temperature, T1."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=TestbedStatus.choices, default=TestbedStatus.OPERATIONAL
    )
    readiness = models.ForeignKey(
        ReadinessLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="testbeds",
        verbose_name=_("readiness"),
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    links = models.JSONField(
        _("links"), default=list, blank=True, help_text=_("[{'title': …, 'url': …}]")
    )

    objects = TestbedQuerySet.as_manager()

    class Meta:
        verbose_name = _("testbed")
        verbose_name_plural = _("testbeds")
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_vector"], name="testbed_search"),
            GinIndex(TRIGRAM_NAME, name="testbed_name_trgm"),
            # The API's sort orders, so that a cursor page is an index range scan.
            models.Index(fields=["name", "id"], name="testbed_by_name"),
            models.Index(fields=["-updated_at", "id"], name="testbed_by_update"),
            # The directory's order by name (case folded, code point order), so that its first
            # page is read from the index instead of sorting every visible record.
            models.Index(FOLDED_NAME, "id", name="testbed_by_folded_name"),
            # The listed testbeds (public or members-only) of given institutes, with the columns
            # the lists filter on most: a filtered list's capped count is an index-only scan of
            # the verified institutes' entries (1 ms at 20,000 testbeds) where it read the whole
            # table (16 ms; bench/README.md, indexes and plans).
            models.Index(
                fields=["institute"],
                include=["visibility", "access_modes"],
                condition=Q(published=True, visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS])
                & ~Q(status=TestbedStatus.RETIRED),
                name="testbed_listed_by_institute",
            ),
        ]
        constraints = [
            *CapabilityRecord.range_constraints("testbed"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="testbed_location_complete_and_valid",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
        ]

    def get_absolute_url(self):
        return reverse("capabilities:testbed_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": _("Give both latitude and longitude, or neither.")})


KCDB_CODE = RegexValidator(
    r"^(AFRIMETS|APMP|COOMET|EURAMET|GULFMET|SIM)-[A-Z]{1,3}-[A-Z]{2}-[0-9A-Z]{8}-\d+$",
    _("A KCDB code looks like EURAMET-EM-CH-00000GFB-5."),
)


@pghistory.track(exclude=["search_vector", "updated_at"], obj_field=history_field())
class Service(CapabilityRecord):
    """A calibration, test or other service, shaped like a KCDB CMC."""

    kind = models.CharField(_("kind"), max_length=20, choices=ServiceKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ServiceStatus.choices, default=ServiceStatus.OFFERED
    )
    quantity = models.CharField(
        _("quantity / measurand"),
        max_length=200,
        blank=True,
        help_text=_("e.g. Optical power in single-mode fibre."),
    )
    range_lower = models.FloatField(_("range from"), null=True, blank=True)
    range_upper = models.FloatField(_("range to"), null=True, blank=True)
    range_unit = models.CharField(_("range unit"), max_length=40, blank=True)
    range_base_lower = models.FloatField(null=True, blank=True, editable=False)
    range_base_upper = models.FloatField(null=True, blank=True, editable=False)
    range_base_unit = models.CharField(max_length=40, blank=True, editable=False)
    uncertainty_mode = models.CharField(
        _("uncertainty given as"),
        max_length=10,
        choices=UncertaintyMode.choices,
        default=UncertaintyMode.ABSOLUTE,
    )
    uncertainty_lower = models.FloatField(_("expanded uncertainty from"), null=True, blank=True)
    uncertainty_upper = models.FloatField(_("expanded uncertainty to"), null=True, blank=True)
    uncertainty_unit = models.CharField(
        _("uncertainty unit"), max_length=40, blank=True, help_text=_("“%” for relative.")
    )
    uncertainty_equation = models.TextField(
        _("uncertainty equation"), blank=True, help_text=_("e.g. Q[0.5 %, 0.02 µW/W]")
    )
    uncertainty_table = models.TextField(
        _("uncertainty table"), blank=True, help_text=_("CSV: a header row, then one per row.")
    )
    coverage_factor = models.DecimalField(
        _("coverage factor k"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
    )
    confidence_level = models.DecimalField(
        _("level of confidence (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(50), MaxValueValidator(100)],
    )
    method = models.CharField(_("method or instrument"), max_length=300, blank=True)
    parameters = models.JSONField(
        _("parameters"), default=list, blank=True, help_text=_("[{'name': …, 'value': …}]")
    )
    traceability = models.TextField(_("traceability route"), blank=True)
    testbed = models.ForeignKey(
        Testbed,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
        verbose_name=_("testbed"),
    )
    lead_time = models.CharField(
        _("lead time"), max_length=100, blank=True, help_text=_("e.g. 4 to 6 weeks.")
    )
    # The most weeks the lead time may take, read from its text: what the lead-time filter
    # compares; None when the text gives no number with a unit.
    lead_time_weeks_max = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    charging = models.CharField(
        _("charging"), max_length=20, choices=Charging.choices, default=Charging.ON_REQUEST
    )
    kcdb_code = models.CharField(
        _("KCDB CMC identifier"), max_length=40, blank=True, validators=[KCDB_CODE]
    )
    # The code without its version suffix: what a re-import matches, whatever the version.
    kcdb_id = models.CharField(max_length=40, blank=True, editable=False, db_index=True)
    kcdb_aliases = ArrayField(
        models.CharField(max_length=40),
        verbose_name=_("earlier KCDB codes"),
        default=list,
        blank=True,
        editable=False,
    )
    metrology_area = models.CharField(
        _("metrology area"), max_length=3, choices=MetrologyArea.choices, blank=True
    )
    branch = models.CharField(_("KCDB branch"), max_length=200, blank=True)
    kcdb_service = models.CharField(_("KCDB service"), max_length=200, blank=True)
    sub_service = models.CharField(_("KCDB sub-service"), max_length=200, blank=True)
    individual_service = models.CharField(_("KCDB individual service"), max_length=300, blank=True)
    instrument = models.CharField(_("instrument"), max_length=300, blank=True)
    instrument_method = models.CharField(_("instrument method"), max_length=300, blank=True)
    uncertainty_base_lower = models.FloatField(null=True, blank=True, editable=False)
    uncertainty_base_upper = models.FloatField(null=True, blank=True, editable=False)
    uncertainty_base_unit = models.CharField(max_length=40, blank=True, editable=False)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_vector"], name="service_search"),
            GinIndex(TRIGRAM_NAME, name="service_name_trgm"),
            # The API's sort orders, so that a cursor page is an index range scan.
            models.Index(fields=["name", "id"], name="service_by_name"),
            models.Index(fields=["-updated_at", "id"], name="service_by_update"),
            # The directory's order by name (case folded, code point order), so that its first
            # page is read from the index instead of sorting every visible record.
            models.Index(FOLDED_NAME, "id", name="service_by_folded_name"),
        ]
        constraints = [
            *CapabilityRecord.range_constraints("service"),
            models.CheckConstraint(
                condition=Q(range_lower__isnull=True)
                | Q(range_upper__isnull=True)
                | Q(range_lower__lte=F("range_upper")),
                name="service_range_ordered",
            ),
        ]

    def get_absolute_url(self):
        return reverse("capabilities:service_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        errors = {}
        if (
            self.range_lower is not None
            and self.range_upper is not None
            and self.range_lower > self.range_upper
        ):
            errors["range_upper"] = _("The upper end must not be below the lower end.")
        if (self.range_lower is not None or self.range_upper is not None) and not self.range_unit:
            errors["range_unit"] = _("Give the unit of the range.")
        if self.uncertainty_mode == UncertaintyMode.EQUATION and not self.uncertainty_equation:
            errors["uncertainty_equation"] = _("Give the equation of the uncertainty.")
        if self.uncertainty_mode == UncertaintyMode.TABLE and not self.uncertainty_table:
            errors["uncertainty_table"] = _("Give the table of the uncertainty.")
        if self.uncertainty_mode == UncertaintyMode.RELATIVE and self.uncertainty_unit not in (
            "",
            "%",
        ):
            errors["uncertainty_unit"] = _("A relative uncertainty is given in %.")
        if errors:
            raise ValidationError(errors)
