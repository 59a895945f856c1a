"""Access requests keep one event log, the workflow engine's: every AccessRequestEvent that the
engine did not record itself (requests moved before it ran them) becomes a WorkflowEvent, then
the second log goes. A request enters each state at most once, so (request, from, to) names
one move."""

from django.db import migrations

WORKFLOW = "capabilities.access_request"
#: The action of the state table (capabilities/workflows.py) that reaches each state.
ACTION_TO = {
    "new": "create",
    "acknowledged": "acknowledge",
    "in_discussion": "discuss",
    "closed": "close",
}


def _content_type(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label="capabilities", model="accessrequest")[0]


def into_the_workflow_log(apps, schema_editor):
    AccessRequestEvent = apps.get_model("capabilities", "AccessRequestEvent")
    WorkflowEvent = apps.get_model("workflow", "WorkflowEvent")
    content_type = _content_type(apps)
    recorded = set(
        WorkflowEvent.objects.filter(content_type=content_type, workflow=WORKFLOW).values_list(
            "object_id", "from_state", "to_state"
        )
    )
    missing = [
        WorkflowEvent(
            content_type=content_type,
            object_id=event.request_id,
            workflow=WORKFLOW,
            action=ACTION_TO.get(event.to_status, event.to_status),
            from_state=event.from_status,
            to_state=event.to_status,
            actor_id=event.actor_id,
            comment=event.comment,
            created_at=event.created_at,
        )
        for event in AccessRequestEvent.objects.order_by("created_at", "pk").iterator()
        if (event.request_id, event.from_status, event.to_status) not in recorded
    ]
    WorkflowEvent.objects.bulk_create(missing, batch_size=1000)


def back_to_the_request_log(apps, schema_editor):
    AccessRequest = apps.get_model("capabilities", "AccessRequest")
    AccessRequestEvent = apps.get_model("capabilities", "AccessRequestEvent")
    WorkflowEvent = apps.get_model("workflow", "WorkflowEvent")
    events = WorkflowEvent.objects.filter(
        content_type=_content_type(apps),
        workflow=WORKFLOW,
        object_id__in=AccessRequest.objects.values("pk"),
    ).order_by("created_at", "pk")
    AccessRequestEvent.objects.bulk_create(
        (
            AccessRequestEvent(
                request_id=event.object_id,
                actor_id=event.actor_id,
                from_status=event.from_state,
                to_status=event.to_state,
                comment=event.comment,
                created_at=event.created_at,
            )
            for event in events.iterator()
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("capabilities", "0009_technology_area_uuid"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("workflow", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(into_the_workflow_log, back_to_the_request_log),
        migrations.DeleteModel(name="AccessRequestEvent"),
    ]
