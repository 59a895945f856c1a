"""The review-workflow engine: the only code that moves a workflow-managed status.

Every move checks the transition's permission and guards, writes the new state and a
``WorkflowEvent`` and lets the workflow write its notifications, all in one transaction.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from nmiq_portal.core.locking import lock
from nmiq_portal.core.permissions import require

from .models import WorkflowEvent
from .registry import NEW, Transition, Workflow, workflow_for

COMMENT_MAX_LENGTH = 4000


@dataclass(frozen=True)
class Action:
    """A transition someone may run on an object now (or would, but for ``reasons``)."""

    name: str
    label: Any
    target: str
    comment_required: bool
    reasons: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        """No guard stands in the way: a button for it works."""
        return not self.reasons


def _row(workflow: Workflow, obj, state: str, action: str) -> Transition:
    row = workflow.find(state, action)
    if row is None:
        values = {
            "action": workflow.action_label(action),
            "model": obj._meta.verbose_name,
            "state": workflow.state_label(state).lower(),
        }
        if action not in workflow.actions:
            message = _("“%(action)s” is not an action on this %(model)s.") % {
                **values,
                "action": action,
            }
        elif state == NEW:
            message = _("“%(action)s” does not create this %(model)s.") % values
        else:
            message = _("This %(model)s is %(state)s; it cannot be moved by “%(action)s”.") % values
        raise ValidationError(message, code="invalid_transition")
    return row


def _reasons(row: Transition, obj, actor) -> tuple[str, ...]:
    return tuple(str(reason) for guard in row.guards if (reason := guard(obj, actor)))


def _check(row: Transition, obj, actor, comment: str) -> None:
    require(actor, row.permission, obj)
    if row.comment_required and not comment:
        raise ValidationError(
            {
                "comment": _("Say why: a comment is required to %(action)s.")
                % {"action": str(row.label).lower()}
            },
            code="comment_required",
        )
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "comment": _("Keep the comment under %(max)d characters.")
                % {"max": COMMENT_MAX_LENGTH}
            },
            code="comment_too_long",
        )
    reasons = _reasons(row, obj, actor)
    if reasons:
        raise ValidationError(list(reasons), code="guard")


def _move(workflow: Workflow, obj, row: Transition, *, actor, comment: str, source: str):
    now = timezone.now()
    # The protected field refuses attribute assignment; the engine alone writes the state.
    workflow.model_field.set_state(obj, row.target)
    if row.stamp:
        setattr(obj, row.stamp, now)
    if row.by:
        setattr(obj, row.by, actor)
    obj.save()
    event = WorkflowEvent.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        workflow=workflow.name,
        action=row.action,
        from_state=source,
        to_state=row.target,
        actor=actor if actor is not None and actor.is_authenticated else None,
        comment=comment,
        created_at=now,
    )
    if workflow.notify is not None:
        workflow.notify(event=event, obj=obj, transition=row)
    return obj


def create(obj: models.Model, action: str, *, actor, comment: str = "") -> models.Model:
    """Save the new ``obj`` in the state its workflow's ``action`` (a ``NEW`` row) gives it.

    The object's other fields are the caller's (a service validates them first). Raises
    PermissionDenied or ValidationError and saves nothing when the row does not allow it.
    """
    if not obj._state.adding:
        raise ValueError("workflow.create takes an object that is not saved yet")
    workflow = workflow_for(obj)
    comment = (comment or "").strip()
    with transaction.atomic():
        row = _row(workflow, obj, NEW, action)
        _check(row, obj, actor, comment)
        return _move(workflow, obj, row, actor=actor, comment=comment, source=NEW)


def transition(obj: models.Model, action: str, *, actor, comment: str = "") -> models.Model:
    """Run ``action`` on ``obj``; returns the object as moved (a fresh, locked copy).

    Locks the row, then checks that ``action`` leaves the current state, the row's permission
    (PermissionDenied) and its comment and guards (ValidationError). A refusal changes nothing.
    """
    if obj._state.adding:
        raise ValueError("workflow.transition takes a saved object; workflow.create saves one")
    workflow = workflow_for(obj)
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = lock(obj)
        source = getattr(locked, workflow.field)
        row = _row(workflow, locked, source, action)
        _check(row, locked, actor, comment)
        return _move(workflow, locked, row, actor=actor, comment=comment, source=source)


def available_actions(obj: models.Model, user) -> list[Action]:
    """The actions ``user`` may run on ``obj`` from its state, in table order (for buttons).

    An action whose guards fail now is included with the guards' ``reasons``; check
    ``action.allowed`` before offering it as a button that works.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    workflow = workflow_for(obj)
    state = NEW if obj._state.adding else getattr(obj, workflow.field)
    return [
        Action(
            name=row.action,
            label=row.label,
            target=row.target,
            comment_required=row.comment_required,
            reasons=_reasons(row, obj, user),
        )
        for row in workflow.leaving(state)
        if user.has_perm(row.permission, obj)
    ]


def events_for(*targets) -> models.QuerySet:
    """The events of the given objects (instances or querysets), oldest first, with actors."""
    condition = Q(pk__in=[])
    for target in targets:
        if isinstance(target, models.QuerySet):
            content_type = ContentType.objects.get_for_model(target.model)
            condition |= Q(content_type=content_type, object_id__in=target.values("pk"))
        else:
            content_type = ContentType.objects.get_for_model(target)
            condition |= Q(content_type=content_type, object_id=target.pk)
    return (
        WorkflowEvent.objects.filter(condition).select_related("actor").order_by("created_at", "pk")
    )
