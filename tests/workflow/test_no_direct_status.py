"""No workflow-managed status is written anywhere but in the workflow engine.

Two nets: a scan of the project's Python source for every way code writes a field (attribute
assignment, setattr, constructor/create/update keywords, ``__dict__``), and a runtime check that
the fields refuse assignment and that every state field of the project is on the engine.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django_fsm import FSMFieldMixin
from pghistory.models import Event

from nmiq_portal.workflow.registry import workflows

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "nmiq_portal" / "workflow"
SKIPPED_DIRS = {".venv", "node_modules", "migrations", "var", "__pycache__", ".git"}
#: Files that load rows in their final states by design, as a migration seeds them: the bench
#: generator's record and output modules write 100,000 synthetic records
#: with COPY and bulk_create, none of them reviewed.
SKIPPED_FILES = {ROOT / "bench" / name for name in ("records.py", "works.py")}

#: Queryset and manager methods that write the keywords they are given.
WRITING_METHODS = {"create", "update", "get_or_create", "update_or_create", "bulk_create"}

#: Writes to a field called like a workflow field that are about another model's status, each
#: with its reason: (file, the receiver's source text).
NOT_WORKFLOW_FIELDS = {
    # ImportJob.status is the progress of a background job, not a reviewed state.
    ("capabilities/services/imports.py", "job.status"),
    ("capabilities/services/imports.py", "ImportJob.objects"),
    # Contact.status (active / retired) is an attribute its institute edits, not reviewed.
    ("tests/changes/test_feed.py", "stored.status"),
}


def _python_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if (
            SKIPPED_DIRS.intersection(relative.parts)
            or path.is_relative_to(ENGINE)
            or path in SKIPPED_FILES
        ):
            continue
        yield path


def _managed():
    fields = {workflow.field for workflow in workflows()}
    models = {workflow.model.__name__ for workflow in workflows()}
    return fields, models


def _callee_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _keys(node) -> set[str]:
    if isinstance(node, ast.Dict):
        return {key.value for key in node.keys if isinstance(key, ast.Constant)}
    return set()


def direct_writes(source: str, fields: set[str], models: set[str]) -> list[tuple[int, str]]:
    """(line, source text) of each place ``source`` writes one of ``fields`` directly."""
    found = []
    factories = {f"{model}Factory" for model in models}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if isinstance(part, ast.Attribute) and part.attr in fields:
                        found.append((node.lineno, ast.unparse(part)))
                    if (
                        isinstance(part, ast.Subscript)
                        and isinstance(part.value, ast.Attribute)
                        and part.value.attr == "__dict__"
                        and isinstance(part.slice, ast.Constant)
                        and part.slice.value in fields
                    ):
                        found.append((node.lineno, ast.unparse(part)))
        elif isinstance(node, ast.Call):
            name = _callee_name(node)
            if name == "setattr" and len(node.args) >= 2:
                attribute = node.args[1]
                if isinstance(attribute, ast.Constant) and attribute.value in fields:
                    found.append((node.lineno, ast.unparse(node)))
            elif name in ("set_state", "set_proxy"):
                found.append((node.lineno, ast.unparse(node)))
            elif name in WRITING_METHODS or name in models or name in factories:
                for keyword in node.keywords:
                    written = {keyword.arg} if keyword.arg else _keys(keyword.value)
                    if keyword.arg in ("defaults", "create_defaults"):
                        written = _keys(keyword.value)
                    if written & fields:
                        found.append((node.lineno, ast.unparse(node)))
    return found


def _allowed(relative: str, text: str) -> bool:
    return any(
        relative == path and text.startswith(receiver) for path, receiver in NOT_WORKFLOW_FIELDS
    )


def test_no_workflow_status_is_written_outside_the_engine():
    fields, models = _managed()
    offences = []
    for path in _python_files():
        relative = str(path.relative_to(ROOT))
        for line, text in direct_writes(path.read_text(), fields, models):
            if not _allowed(relative, text):
                offences.append(f"{relative}:{line}: {text}")
    assert not offences, "Status written outside the workflow engine:\n" + "\n".join(offences)


@pytest.mark.parametrize(
    "snippet",
    [
        "project.status = 'approved'",
        "project.status: str = 'approved'",
        "setattr(project, 'status', 'approved')",
        "project.__dict__['status'] = 'approved'",
        "Project.objects.filter(pk=1).update(status='approved')",
        "Project.objects.create(title='x', status='approved')",
        "Project.objects.update_or_create(pk=1, defaults={'status': 'approved'})",
        "Project(title='x', status='approved')",
        "ProjectFactory(status='approved')",
        "Participation.objects.bulk_create([], **{'status': 'accepted'})",
        "field.set_state(project, 'approved')",
    ],
)
def test_the_scan_finds_every_kind_of_direct_write(snippet):
    assert direct_writes(snippet, {"status"}, {"Project", "Participation"})


@pytest.mark.parametrize(
    "snippet",
    [
        "Project.objects.filter(status='approved')",
        "project.status == 'approved'",
        "workflow.transition(project, 'approve', actor=user)",
        "Project.objects.create(title='x')",
    ],
)
def test_the_scan_leaves_reads_and_engine_calls_alone(snippet):
    assert not direct_writes(snippet, {"status"}, {"Project", "Participation"})


def _state_fields():
    for model in apps.get_models():
        if issubclass(model, Event):
            continue  # pghistory's snapshots copy the field; triggers write them, not code
        for field in model._meta.concrete_fields:
            if isinstance(field, FSMFieldMixin):
                yield model, field


def test_every_state_field_of_the_project_is_protected_and_on_the_engine():
    on_engine = {(workflow.model, workflow.field) for workflow in workflows()}
    fields = list(_state_fields())
    assert fields
    for model, field in fields:
        assert field.protected, f"{model.__name__}.{field.name} is not protected"
        assert (model, field.name) in on_engine, f"{model.__name__}.{field.name} has no workflow"


@pytest.mark.django_db
@pytest.mark.parametrize("workflow", workflows(), ids=lambda workflow: workflow.name)
def test_assigning_a_workflow_status_directly_raises(workflow):
    other = workflow.states[-1]
    fresh = workflow.model()
    with pytest.raises(AttributeError):
        setattr(fresh, workflow.field, other)
