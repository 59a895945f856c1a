"""The record the workflow engine keeps of every transition."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMModelMixin

from .registry import workflow_named


class WorkflowModel(FSMModelMixin, models.Model):
    """Base of a model whose status the workflow engine moves (a protected FSMField).

    Loading, ``refresh_from_db`` and ``full_clean`` work; assigning the status raises.
    """

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        # Django's clean_fields assigns every cleaned value back; the state is the engine's.
        exclude = {*(exclude or ()), *self._get_protected_fsm_fields()}
        super().clean_fields(exclude=exclude)


class WorkflowEvent(models.Model):
    """One transition of one object: who moved it, when, from which state to which, and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    workflow = models.CharField(_("workflow"), max_length=100)
    action = models.CharField(_("action"), max_length=50)
    from_state = models.CharField(_("from"), max_length=50, blank=True)
    to_state = models.CharField(_("to"), max_length=50)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workflow_events",
    )
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "created_at"], name="workflow_event_object"
            ),
        ]

    def __str__(self):
        return f"{self.workflow}: {self.from_state or '-'} → {self.to_state} ({self.action})"

    @property
    def action_label(self) -> str:
        """The label of the transition, as its table names it (for timelines)."""
        workflow = workflow_named(self.workflow)
        return (
            workflow.action_label(self.action, source=self.from_state) if workflow else self.action
        )

    @property
    def from_label(self) -> str:
        workflow = workflow_named(self.workflow)
        return workflow.state_label(self.from_state) if workflow and self.from_state else ""

    @property
    def to_label(self) -> str:
        workflow = workflow_named(self.workflow)
        return workflow.state_label(self.to_state) if workflow else self.to_state
