"""Workflows as data: each reviewed model declares its transitions once, as a table.

An app builds a ``Workflow`` in its ``workflows.py`` and registers it from its AppConfig.ready();
the engine (``nmiq_portal.workflow.engine``) is the only code that moves a state. This module
imports no models, so apps may import it at any time.
"""

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

#: The source state of a transition that creates its object (its "initial-state" rows).
NEW = ""

#: A guard says why a transition may not run now (a sentence), or None when it may.
Guard = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class Transition:
    """One row of a workflow's table.

    ``sources``: states it starts from (``NEW`` for a row that creates the object);
    ``permission``: the django-rules permission the actor needs on the object;
    ``guards``: callables ``guard(obj, actor)`` returning a reason it cannot run, or None;
    ``comment_required``: the actor must say why (e.g. a rejection);
    ``stamp``: a datetime field set to the time of the move (e.g. ``submitted_at``);
    ``by``: a user field set to the actor (e.g. ``answered_by``).
    """

    action: str
    sources: tuple[str, ...]
    target: str
    permission: str
    label: Any
    guards: tuple[Guard, ...] = ()
    comment_required: bool = False
    stamp: str = ""
    by: str = ""

    @property
    def creates(self) -> bool:
        return NEW in self.sources


class Workflow:
    """The states of one model's status field and the transitions between them.

    ``notify(event=..., obj=..., transition=...)`` is called in the transaction of every move,
    after its event is written; it writes the notifications of the move (which the notification
    system e-mails after commit).
    """

    def __init__(
        self,
        *,
        name: str,
        model,
        transitions: Iterable[Transition],
        field: str = "status",
        notify: Callable[..., None] | None = None,
    ):
        self.name = name
        self.model = model
        self.field = field
        self.transitions = tuple(transitions)
        self.notify = notify
        self._check()

    def __repr__(self):
        return f"<Workflow {self.name}>"

    @property
    def model_field(self):
        return self.model._meta.get_field(self.field)

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(value for value, _label in self.model_field.choices)

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.action for t in self.transitions))

    def state_label(self, state: str) -> str:
        return str(dict(self.model_field.choices).get(state, state))

    def action_label(self, action: str, *, source: str | None = None) -> str:
        """The label of ``action`` (from ``source``, where rows of one action differ by source)."""
        row = self.find(source, action) if source is not None else None
        for candidate in (row, *self.transitions):
            if candidate is not None and candidate.action == action:
                return str(candidate.label)
        return action

    def find(self, state: str, action: str) -> Transition | None:
        """The row that runs ``action`` from ``state``, if any."""
        for row in self.transitions:
            if row.action == action and state in row.sources:
                return row
        return None

    def leaving(self, state: str) -> tuple[Transition, ...]:
        """The rows that start from ``state``, in table order."""
        return tuple(row for row in self.transitions if state in row.sources)

    def path(self, source: str, target: str) -> list[str]:
        """The shortest list of actions from ``source`` to ``target`` (e.g. to set up tests)."""
        queue, seen = deque([(source, [])]), {source}
        while queue:
            state, actions = queue.popleft()
            if state == target:
                return actions
            for row in self.leaving(state):
                if row.target not in seen:
                    seen.add(row.target)
                    queue.append((row.target, [*actions, row.action]))
        raise ValueError(f"{self.name}: no path from {source!r} to {target!r}")

    def _check(self) -> None:
        from django_fsm import FSMFieldMixin

        field = self.model_field
        if not isinstance(field, FSMFieldMixin) or not field.protected:
            raise TypeError(f"{self.name}: {self.field} must be a protected FSMField")
        states = set(self.states)
        seen = set()
        for row in self.transitions:
            unknown = ({*row.sources, row.target} - {NEW}) - states
            if unknown or row.target == NEW:
                raise ValueError(f"{self.name}.{row.action}: unknown states {sorted(unknown)}")
            if not row.permission:
                raise ValueError(f"{self.name}.{row.action}: a permission is required")
            for name in (row.stamp, row.by):
                if name:
                    self.model._meta.get_field(name)
            for source in row.sources:
                if (source, row.action) in seen:
                    raise ValueError(f"{self.name}: two rows run {row.action} from {source!r}")
                seen.add((source, row.action))


_by_model: dict[type, Workflow] = {}
_by_name: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    """Make ``workflow`` the one that moves its model's status (once per model)."""
    existing = _by_model.get(workflow.model)
    if existing is not None and existing is not workflow:
        raise ValueError(f"{workflow.model.__name__} already has the workflow {existing.name}")
    _by_model[workflow.model] = workflow
    _by_name[workflow.name] = workflow
    return workflow


def workflow_for(obj_or_model) -> Workflow:
    """The workflow of a model or of one of its objects."""
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    model = model._meta.concrete_model
    try:
        return _by_model[model]
    except KeyError:
        raise LookupError(f"{model.__name__} has no registered workflow") from None


def workflow_named(name: str) -> Workflow | None:
    return _by_name.get(name)


def workflows() -> tuple[Workflow, ...]:
    """Every registered workflow."""
    return tuple(_by_model.values())
