"""Institutes and their people: memberships and invitations."""

import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_fsm import FSMField

from nmiq_portal.core.history import history_field
from nmiq_portal.workflow.models import WorkflowModel

from ..enums import METROLOGY_KINDS, RMO, InstituteKind, InvitationStatus, MemberRole
from ..search import TRIGRAM_NAME


class InstituteQuerySet(models.QuerySet):
    def public(self):
        """Institutes anyone may see: verified by portal staff."""
        return self.filter(verified=True)

    def shared_in(self, scope):
        """What everyone of ``scope``'s kind sees (a ``VisibilityScope``): the verified ones."""
        return self.all() if scope.shared == scope.ALL else self.public()

    def own_beyond(self, scope):
        """The unverified institutes of ``scope``'s own, which only their members see."""
        if scope.shared == scope.ALL or scope.own_verified:
            return self.none()
        return self.filter(pk__in=scope.own, verified=False)

    def visible_to(self, user):
        """Public institutes, plus the unverified ones ``user`` belongs to (staff see all)."""
        if not user.is_authenticated:
            return self.public()
        if user.is_staff:
            return self.all()
        return self.filter(
            Q(verified=True) | Q(pk__in=Membership.objects.filter(user=user).values("institute_id"))
        )


@pghistory.track(exclude=["search_vector", "updated_at"], obj_field=history_field())
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
            # Among verified institutes only: a registration must not learn, from a refusal,
            # that an unverified institute it may not see holds the acronym.
            models.UniqueConstraint(
                Lower("acronym"), condition=Q(verified=True), name="institute_acronym_ci_unique"
            ),
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
            and Institute.objects.public()
            .filter(acronym__iexact=self.acronym)
            .exclude(pk=self.pk)
            .exists()
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
