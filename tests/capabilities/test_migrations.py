"""Data migrations of capabilities, run on a database that holds data from before them."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Migrations change the schema; the test's transaction rolls them back with everything else.
pytestmark = pytest.mark.django_db

BEFORE = [("capabilities", "0009_technology_area_uuid")]
AFTER = [("capabilities", "0010_access_request_events_in_the_workflow_log")]


def _migrate(targets):
    """Migrate capabilities to ``targets`` and return the models as they stand then."""
    MigrationExecutor(connection).migrate(targets)
    loader = MigrationExecutor(connection).loader
    return loader.project_state(tuple(loader.applied_migrations)).apps


def test_access_request_events_move_into_the_workflow_log_once():
    old = _migrate(BEFORE)
    user = old.get_model("accounts", "User").objects.create(email="ada@example.org")
    institute = old.get_model("capabilities", "Institute").objects.create(
        name="Ptb", acronym="PTB", slug="ptb", kind="nmi", economy="DE", rmo="EURAMET"
    )
    testbed = old.get_model("capabilities", "Testbed").objects.create(
        institute=institute, name="Fridge", slug="ptb-fridge"
    )
    AccessRequest = old.get_model("capabilities", "AccessRequest")
    Event = old.get_model("capabilities", "AccessRequestEvent")
    WorkflowEvent = old.get_model("workflow", "WorkflowEvent")
    content_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="capabilities", model="accessrequest"
    )[0]
    # One request moved before the engine kept events, one whose moves the engine recorded too.
    before, recorded = (
        AccessRequest.objects.create(
            requester=user, institute=institute, testbed=testbed, organisation=o, purpose="T1"
        )
        for o in ("Old", "New")
    )
    sent, at = datetime(2025, 3, 6, 9, 0, tzinfo=UTC), datetime(2025, 3, 7, 10, 0, tzinfo=UTC)
    for request in (before, recorded):
        Event.objects.create(
            request=request, actor=user, from_status="", to_status="new", created_at=sent
        )
        Event.objects.create(
            request=request,
            actor=user,
            from_status="new",
            to_status="in_discussion",
            comment="Which holder?",
            created_at=at,
        )
    for action, source, target in (("create", "", "new"), ("discuss", "new", "in_discussion")):
        WorkflowEvent.objects.create(
            content_type=content_type,
            object_id=recorded.pk,
            workflow="capabilities.access_request",
            action=action,
            from_state=source,
            to_state=target,
            actor=user,
        )

    with connection.cursor() as cursor:
        # Check the deferred foreign keys of these rows now, as their commit would have.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    new = _migrate(AFTER)

    events = new.get_model("workflow", "WorkflowEvent").objects.filter(
        content_type=content_type.pk, workflow="capabilities.access_request"
    )
    assert list(
        events.filter(object_id=before.pk)
        .order_by("created_at", "pk")
        .values_list("action", "from_state", "to_state", "actor", "comment", "created_at")
    ) == [
        ("create", "", "new", user.pk, "", sent),
        ("discuss", "new", "in_discussion", user.pk, "Which holder?", at),
    ]
    assert events.filter(object_id=recorded.pk).count() == 2
    assert "capabilities_accessrequestevent" not in connection.introspection.table_names()


def test_saved_searches_keep_their_evidence_filter_under_its_new_name():
    old = _migrate([("capabilities", "0012_evidence_version")])
    user = old.get_model("accounts", "User").objects.create(email="ada@example.org")
    SavedSearch = old.get_model("capabilities", "SavedSearch")
    renamed = SavedSearch.objects.create(user=user, name="Evidenced", query="q=fridge&evidence=on")
    untouched = SavedSearch.objects.create(user=user, name="Plain", query="q=no+evidence%3D")
    new = _migrate([("capabilities", "0013_saved_searches_name_has_evidence")])
    SavedSearch = new.get_model("capabilities", "SavedSearch")
    assert SavedSearch.objects.get(pk=renamed.pk).query == "q=fridge&has_evidence=on"
    assert SavedSearch.objects.get(pk=untouched.pk).query == "q=no+evidence%3D"


def test_services_with_a_kcdb_code_get_their_code_without_version():
    old = _migrate([("capabilities", "0013_saved_searches_name_has_evidence")])
    institute = old.get_model("capabilities", "Institute").objects.create(
        name="Npl", acronym="NPL", slug="npl", kind="nmi", economy="GB", rmo="EURAMET"
    )
    Service = old.get_model("capabilities", "Service")
    for name, code in (("Power meter", "EURAMET-PR-GB-000008SJ-1"), ("Own", "")):
        Service.objects.create(
            institute=institute, name=name, slug=name.lower(), kind="calibration", kcdb_code=code
        )
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    new = _migrate([("capabilities", "0014_service_kcdb_taxonomy")])
    rows = new.get_model("capabilities", "Service").objects.order_by("name")
    assert list(rows.values_list("name", "kcdb_id")) == [
        ("Own", ""),
        ("Power meter", "EURAMET-PR-GB-000008SJ"),
    ]


def test_existing_records_are_indexed_again_with_parameters_and_kind():
    old = _migrate([("capabilities", "0017_service_lead_time_weeks")])
    institute = old.get_model("capabilities", "Institute").objects.create(
        name="Metas", acronym="METAS", slug="metas", kind="nmi", economy="CH", rmo="EURAMET"
    )
    # KCDB EURAMET-EM-CH-00000GFB-5 (../shared/reference/data/kcdb_cmc_full_records.json)
    old.get_model("capabilities", "Service").objects.create(
        institute=institute,
        name="Transmission coefficient, phase",
        slug="phase",
        kind="testing",
        parameters=[{"name": "Connector", "value": "NEX10"}],
    )
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    new = _migrate([("capabilities", "0018_search_vector_more_text")])
    Service = new.get_model("capabilities", "Service")
    for word in ("nex10", "connector", "testing"):
        assert Service.objects.filter(search_vector=word).exists(), word
