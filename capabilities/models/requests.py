"""What people ask of the directory: access requests, saved searches, bulk imports."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField

from nmiq_portal.workflow.models import WorkflowModel

from ..enums import AccessRequestStatus, ImportKind, ImportStatus
from .institutes import Institute, Membership
from .records import Service, Testbed


class AccessRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What ``user`` may open: the requests they sent and those to their institutes (the
        rule ``capabilities.view_access_request``); staff see all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self.all()
        return self.filter(
            Q(requester=user.pk)
            | Q(institute__in=Membership.objects.filter(user=user.pk).values("institute_id"))
        )


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

    objects = AccessRequestQuerySet.as_manager()

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


class HeldAccessRequest(models.Model):
    """An access request sent with a new account, held until its sender confirms their e-mail
    address: only then is it sent (``access_request_create``) and does the institute hear."""

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="held_access_requests"
    )
    testbed = models.ForeignKey(Testbed, on_delete=models.CASCADE, null=True, blank=True)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200)
    purpose = models.TextField(_("purpose"), max_length=4000)
    preferred_start = models.DateField(_("preferred start"), null=True, blank=True)
    preferred_end = models.DateField(_("preferred end"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(testbed__isnull=False, service__isnull=True)
                | Q(testbed__isnull=True, service__isnull=False),
                name="held_access_request_one_target",
            )
        ]

    def __str__(self):
        return f"{self.requester} → {self.target}"

    @property
    def target(self):
        return self.testbed or self.service


class AccessRequestMessage(models.Model):
    """A message of an access request's thread, from the requester or the institute."""

    access_request = models.ForeignKey(
        AccessRequest, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("access request message")
        verbose_name_plural = _("access request messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.author} on {self.access_request_id}"


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
    to_retire = models.PositiveIntegerField(
        default=0, help_text="Records absent from a complete KCDB listing, offered for retirement."
    )
    retire_absent = models.BooleanField(
        default=False, help_text="The importer chose to retire the records the listing left out."
    )
    ignored_columns = models.JSONField(default=list, help_text="Columns the import does not read.")
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
        return self.to_create + self.to_update + (self.to_retire if self.retire_absent else 0)

    @property
    def percent(self) -> int:
        # Rows already as the file says count as processed too (a KCDB re-import).
        return 100 if not self.total else min(100, round(100 * self.processed / self.total))
