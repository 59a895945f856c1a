"""Institutes and their people; the directory of testbeds, services and contacts they keep."""

import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Exists, F, Q, Value
from django.db.models.functions import Concat, Lower, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_fsm import FSMField

from nmiq_portal import changes
from nmiq_portal.workflow.models import WorkflowModel

from .enums import (
    METROLOGY_KINDS,
    RMO,
    AccessMode,
    AccessRequestStatus,
    Audience,
    Charging,
    ContactStatus,
    EvidenceKind,
    ImportKind,
    ImportStatus,
    InstituteKind,
    InvitationStatus,
    MemberRole,
    ServiceKind,
    ServiceStatus,
    TestbedStatus,
    UncertaintyMode,
    Visibility,
)
from .search import TRIGRAM_NAME


#: Every change to an institute, testbed, service or contact is a row in its history
#: (database triggers, so no write can skip it); ``record.history`` reads it.
def _history():
    return pghistory.ObjForeignKey(related_name="history", related_query_name="history")


class InstituteQuerySet(models.QuerySet):
    def public(self):
        """Institutes anyone may see: verified by portal staff."""
        return self.filter(verified=True)

    def visible_to(self, user):
        """Public institutes, plus the unverified ones ``user`` belongs to (staff see all)."""
        if not user.is_authenticated:
            return self.public()
        if user.is_staff:
            return self.all()
        return self.filter(
            Q(verified=True) | Q(pk__in=Membership.objects.filter(user=user).values("institute_id"))
        )


@pghistory.track(exclude=["search_vector", "updated_at"], obj_field=_history())
class Institute(models.Model):
    """An organisation in NMI-Q: an NMI, a DI, or a partner such as an industry consortium."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30)
    kind = models.CharField(_("kind"), max_length=32, choices=InstituteKind.choices)
    economy = CountryField(_("economy"))
    rmo = models.CharField(
        _("RMO"),
        max_length=10,
        choices=RMO.choices,
        blank=True,
        help_text=_("Regional Metrology Organisation; NMIs and DIs only."),
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_("Set by portal staff; only verified institutes appear publicly."),
    )
    demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Made by seed_demo; shown as demo data.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="institutes"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = InstituteQuerySet.as_manager()

    class Meta:
        verbose_name = _("institute")
        verbose_name_plural = _("institutes")
        ordering = ["acronym"]
        indexes = [
            GinIndex(fields=["search_vector"], name="institute_search"),
            GinIndex(TRIGRAM_NAME, name="institute_name_trgm"),
        ]
        constraints = [
            models.UniqueConstraint(Lower("acronym"), name="institute_acronym_ci_unique"),
            models.CheckConstraint(
                condition=(Q(kind__in=METROLOGY_KINDS) & ~Q(rmo=""))
                | (~Q(kind__in=METROLOGY_KINDS) & Q(rmo="")),
                name="institute_rmo_iff_nmi_or_di",
                violation_error_message=_(
                    "NMIs and DIs belong to an RMO; other kinds of institute have none."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.acronym} — {self.name}"

    def get_absolute_url(self):
        return reverse("capabilities:institute_detail", kwargs={"slug": self.slug})

    def clean(self):
        """The rules of the constraints, reported on the field that breaks them."""
        if (
            self.acronym
            and Institute.objects.filter(acronym__iexact=self.acronym).exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"acronym": _("An institute with this acronym is registered.")})
        if self.kind in METROLOGY_KINDS and not self.rmo:
            raise ValidationError({"rmo": _("Choose the RMO of this NMI or DI.")})
        if self.kind and self.kind not in METROLOGY_KINDS and self.rmo:
            raise ValidationError({"rmo": _("Only NMIs and DIs belong to an RMO.")})


class Membership(models.Model):
    """A person's role at an institute: admins also manage the members."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    institute = models.ForeignKey(Institute, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices)
    created_at = models.DateTimeField(_("member since"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "institute"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.institute.acronym} ({self.role})"


class Invitation(WorkflowModel):
    """An institute admin's invitation to an e-mail address; accepting makes a membership."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institute = models.ForeignKey(Institute, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=16, choices=MemberRole.choices)
    status = FSMField(
        _("status"),
        max_length=16,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
        protected=True,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "institute",
                Lower("email"),
                condition=Q(status=InvitationStatus.PENDING),
                name="invitation_one_pending_per_address",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.institute.acronym}"

    def get_absolute_url(self):
        return reverse("capabilities:invitation", kwargs={"uuid": self.uuid})

    @property
    def is_open(self) -> bool:
        """Pending and not yet expired: it can still be accepted."""
        return self.status == InvitationStatus.PENDING and self.expires_at > timezone.now()


class TechnologyArea(models.Model):
    """A node of the technology taxonomy (computing > superconducting > cryogenics)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(
        _("path"),
        max_length=400,
        unique=True,
        editable=False,
        help_text=_("Slugs from the root, joined by '/': a subtree is a prefix."),
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("technology area")
        verbose_name_plural = _("technology areas")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Keep the materialised path in step with the parent and the slug, and the paths of
        the sub-areas below it when it moves or changes its slug."""
        before = (
            TechnologyArea.objects.filter(pk=self.pk).values_list("path", flat=True).first()
            if self.pk
            else None
        )
        self.path = f"{self.parent.path}/{self.slug}" if self.parent_id else self.slug
        with transaction.atomic():
            super().save(*args, **kwargs)
            if before is not None and before != self.path:
                below = TechnologyArea.objects.filter(path__startswith=f"{before}/")
                moved = list(below.values_list("pk", flat=True))
                below.update(path=Concat(Value(self.path), Substr("path", len(before) + 1)))
                changes.touch(TechnologyArea, moved)

    @property
    def depth(self) -> int:
        return self.path.count("/")


class ReadinessScale(models.Model):
    """A readiness scale (TRL 1-9, standardisation readiness levels); data, not code."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("readiness scale")
        verbose_name_plural = _("readiness scales")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ReadinessLevel(models.Model):
    """One level of a readiness scale."""

    scale = models.ForeignKey(ReadinessScale, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("readiness level")
        verbose_name_plural = _("readiness levels")
        ordering = ["scale", "level"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "level"], name="readiness_level_unique"),
        ]

    def __str__(self):
        return f"{self.scale.slug.upper()} {self.level} — {self.name}"


class RecordQuerySet(models.QuerySet):
    """Visibility of what institutes publish: testbeds, services and contacts."""

    retired_status = ""
    has_visibility = True

    def _listed(self) -> Q:
        return Q(published=True, institute__verified=True) & ~Q(status=self.retired_status)

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


@pghistory.track(exclude=["updated_at"], obj_field=_history())
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


@pghistory.track(exclude=["search_vector", "updated_at"], obj_field=_history())
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


@pghistory.track(exclude=["search_vector", "updated_at"], obj_field=_history())
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
    charging = models.CharField(
        _("charging"), max_length=20, choices=Charging.choices, default=Charging.ON_REQUEST
    )
    kcdb_code = models.CharField(
        _("KCDB CMC identifier"), max_length=40, blank=True, validators=[KCDB_CODE]
    )

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


class AccessRequest(WorkflowModel):
    """A signed-in person asks an institute for access to a testbed or a service."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_requests"
    )
    institute = models.ForeignKey(
        Institute, on_delete=models.CASCADE, related_name="access_requests", editable=False
    )
    testbed = models.ForeignKey(
        Testbed, on_delete=models.CASCADE, null=True, blank=True, related_name="access_requests"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="access_requests"
    )
    organisation = models.CharField(_("organisation"), max_length=200)
    purpose = models.TextField(_("purpose"), max_length=4000)
    preferred_start = models.DateField(_("preferred start"), null=True, blank=True)
    preferred_end = models.DateField(_("preferred end"), null=True, blank=True)
    status = FSMField(
        _("status"),
        max_length=16,
        choices=AccessRequestStatus.choices,
        default=AccessRequestStatus.NEW,
        editable=False,
        protected=True,
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(testbed__isnull=False, service__isnull=True)
                | Q(testbed__isnull=True, service__isnull=False),
                name="access_request_one_target",
            ),
            models.CheckConstraint(
                condition=Q(preferred_start__isnull=True)
                | Q(preferred_end__isnull=True)
                | Q(preferred_start__lte=F("preferred_end")),
                name="access_request_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="access_request_open")]

    def __str__(self):
        return f"{self.requester} → {self.target}"

    def get_absolute_url(self):
        return reverse("capabilities:access_request", kwargs={"uuid": self.uuid})

    @property
    def target(self):
        return self.testbed or self.service


class SavedSearch(models.Model):
    """A search someone saved; a daily job e-mails them what newly matches it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=120)
    query = models.CharField(_("search"), max_length=2000, blank=True)
    alerts = models.BooleanField(_("e-mail me new matches"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_search_unique_name"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("capabilities:directory") + (f"?{self.query}" if self.query else "")


class ImportJob(models.Model):
    """A checked CSV/XLSX upload of testbeds or services, applied whole by a Celery job."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institute = models.ForeignKey(Institute, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=ImportKind.choices)
    filename = models.CharField(max_length=255)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.VALIDATED
    )
    rows = models.JSONField(default=list, help_text="The checked rows, ready to apply.")
    to_create = models.PositiveIntegerField(default=0)
    to_update = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} → {self.institute.acronym}"

    def get_absolute_url(self):
        return reverse("capabilities:import_detail", kwargs={"uuid": self.uuid})

    @property
    def total(self) -> int:
        return self.to_create + self.to_update

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * self.processed / self.total)


DOI = RegexValidator(r"^10\.\d{4,9}/\S+$", _("A DOI looks like 10.1088/1681-7575/ab1234."))


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Evidence of the testbeds and services ``user`` may open: it shows where they do."""
        return self.filter(
            Q(testbed__in=Testbed.objects.visible_to(user))
            | Q(service__in=Service.objects.visible_to(user))
        )


#: Removal is tracked too: what once supported a record stays on file after it is withdrawn.
@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), obj_field=_history()
)
class Evidence(models.Model):
    """What supports a testbed or service: a comparison, a benchmark, a guide, a paper."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    testbed = models.ForeignKey(
        Testbed, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    doi = models.CharField(
        _("DOI"),
        max_length=200,
        blank=True,
        validators=[DOI],
        help_text=_("Without https://doi.org/, e.g. 10.1088/0026-1394/51/1A/01001."),
    )
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("e.g. the comparison's KCDB identifier: CCQM-K30, EURAMET.EM.BIPM-K10.a."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["kind", "-year", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(testbed__isnull=False, service__isnull=True)
                | Q(testbed__isnull=True, service__isnull=False),
                name="evidence_one_record",
            ),
            models.CheckConstraint(
                condition=~Q(url="", doi="", reference=""),
                name="evidence_has_a_source",
                violation_error_message=_("Give a web address, a DOI or a reference."),
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100),
                name="evidence_year_plausible",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.record.get_absolute_url() + "#how-we-know"

    def clean(self):
        if not (self.url or self.doi or self.reference):
            message = _("Give a web address, a DOI or a reference.")
            raise ValidationError({"url": message, "doi": message, "reference": message})

    @property
    def record(self):
        return self.testbed or self.service

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""
