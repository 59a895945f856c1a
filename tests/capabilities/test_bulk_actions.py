"""Bulk actions: the records of an import, or a selection on the institute's page, published,
unpublished or retired together through the record services."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capabilities import imports, services
from capabilities.enums import ImportStatus, MemberRole, ServiceStatus
from capabilities.models import Service
from tests.factories import InstituteFactory, MembershipFactory, ServiceFactory
from tests.support import ROLES, person

pytestmark = pytest.mark.django_db

HEADER = "nmi_code,kcdb_code,quantity\n"


@pytest.fixture
def institute():
    return InstituteFactory(acronym="NPL", slug="npl")


@pytest.fixture
def editor(institute):
    return MembershipFactory(institute=institute, role=MemberRole.EDITOR).user


def imported(editor, institute, size: int):
    lines = "".join(f"NPL,EURAMET-PR-GB-{n:08d}-1,Optical power {n}\n" for n in range(size))
    rows = imports.read_table(SimpleUploadedFile("f.csv", (HEADER + lines).encode()), max_rows=99)
    job = services.import_check(
        actor=editor, institute=institute, kind="service", filename="f.csv", rows=rows
    )
    services.import_queue(actor=editor, job=job)
    job = services.import_apply(job=job)
    assert job.status == ImportStatus.DONE
    return job


def bulk_url(job):
    return reverse("capabilities:import_bulk", kwargs={"uuid": job.uuid})


def selection_url(institute, kind="service"):
    return reverse("capabilities:institute_bulk", kwargs={"slug": institute.slug, "kind": kind})


def test_the_import_page_publishes_then_retires_its_records_together(client, editor, institute):
    job = imported(editor, institute, 3)
    client.force_login(editor)
    page = client.get(job.get_absolute_url())
    assert len(page.context["records"]) == 3
    assert b'data-testid="import-bulk"' in page.content
    assert client.post(bulk_url(job), {"action": "publish"}).status_code == 302
    assert Service.objects.filter(published=True).count() == 3
    service = Service.objects.first()
    assert service.history.count() == 2, "each publication is a change in the record's history"
    client.post(bulk_url(job), {"action": "retire"})
    assert set(Service.objects.values_list("status", flat=True)) == {ServiceStatus.RETIRED}


def test_a_selection_on_the_institute_page_is_unpublished_together(client, editor, institute):
    chosen = ServiceFactory.create_batch(2, institute=institute, published=True)
    kept = ServiceFactory(institute=institute, published=True)
    client.force_login(editor)
    page = client.get(institute.get_absolute_url())
    assert f'name="records" value="{kept.pk}"'.encode() in page.content
    response = client.post(
        selection_url(institute), {"action": "unpublish", "records": [s.pk for s in chosen]}
    )
    assert response.status_code == 302
    assert list(Service.objects.filter(published=True)) == [kept]


def test_an_unknown_action_changes_nothing(client, editor, institute):
    service = ServiceFactory(institute=institute, published=True)
    client.force_login(editor)
    client.post(selection_url(institute), {"action": "delete", "records": [service.pk]})
    service.refresh_from_db()
    assert service.published


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_of_the_institute_change_its_records_together(client, institute, role):
    services_ = ServiceFactory.create_batch(2, institute=institute, published=True)
    user = person(role, institute)
    if user is not None:
        client.force_login(user)
    response = client.post(
        selection_url(institute), {"action": "unpublish", "records": [s.pk for s in services_]}
    )
    allowed = role in (MemberRole.EDITOR, MemberRole.ADMIN, "staff")
    expected = 302 if allowed or role == "anonymous" else 403
    assert response.status_code == expected
    assert Service.objects.filter(published=True).count() == (0 if allowed else 2)


@pytest.mark.parametrize("role", ["anonymous", "plain user", "member of another institute"])
def test_outsiders_cannot_change_an_imports_records(client, editor, institute, role):
    job = imported(editor, institute, 2)
    user = person(role, institute)
    if user is not None:
        client.force_login(user)
    response = client.post(bulk_url(job), {"action": "publish"})
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert not Service.objects.filter(published=True).exists()


def test_import_page_queries_do_not_grow_with_its_records(
    client, editor, institute, django_assert_num_queries
):
    small, large = imported(editor, institute, 2), imported(editor, institute, 20)
    client.force_login(editor)
    # session, user, job, roles, records, the frame's facts of the person (unread, menu)
    with django_assert_num_queries(6) as captured:
        client.get(small.get_absolute_url())
    with django_assert_num_queries(len(captured.captured_queries)):
        client.get(large.get_absolute_url())


def _said(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_publishing_together_says_when_nobody_would_receive_requests(client, editor, institute):
    """The warning a single publication gives, once for the institute, naming every record."""
    quiet = ServiceFactory(institute=institute, name="Lonely power", published=False)
    other = ServiceFactory(institute=institute, name="Lonely noise", published=False)
    client.force_login(editor)
    data = {"action": "publish", "records": [quiet.pk, other.pk]}
    said = _said(client.post(selection_url(institute), data, follow=True))
    warnings = [message for message in said if "Nobody would receive" in message]
    assert len(warnings) == 1
    assert "Lonely power" in warnings[0]
    assert "Lonely noise" in warnings[0]


def test_publishing_together_is_quiet_when_an_administrator_answers(client, editor, institute):
    MembershipFactory(institute=institute, role=MemberRole.ADMIN)
    record = ServiceFactory(institute=institute, published=False)
    client.force_login(editor)
    data = {"action": "publish", "records": [record.pk]}
    said = _said(client.post(selection_url(institute), data, follow=True))
    assert not any("Nobody would receive" in message for message in said)
    assert any("published" in message for message in said)
