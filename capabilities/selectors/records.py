"""Reads of testbeds and services: their pages, and what the API, the change feed and the
snapshot show of every directory model."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Prefetch, Subquery

from ..enums import ServiceStatus, TestbedStatus
from ..models import (
    Contact,
    Evidence,
    Institute,
    Service,
    TechnologyArea,
    Testbed,
    evidence_prefetch,
)
from ..permissions import institute_roles
from .institutes import institute_list
from .results import tagged_areas


def testbed_for_page(*, user):
    """Testbeds ``user`` may open, with everything their page shows fetched up front."""
    return (
        Testbed.objects.visible_to(user)
        .select_related("institute", "readiness__scale")
        .prefetch_related(
            "technology_areas",
            Prefetch("contacts", queryset=Contact.objects.visible_to(user).order_by("name")),
            Prefetch(
                "services",
                queryset=Service.objects.visible_to(user).select_related("institute"),
            ),
            evidence_prefetch(),
        )
    )


def service_for_page(*, user):
    """Services ``user`` may open, with everything their page shows fetched up front."""
    return (
        Service.objects.visible_to(user)
        .select_related("institute")
        .prefetch_related(
            "technology_areas",
            Prefetch("contacts", queryset=Contact.objects.visible_to(user).order_by("name")),
            evidence_prefetch(),
        )
    )


def citing_candidates(*, user, institutes, output) -> list[Testbed | Service]:
    """The testbeds and services of ``institutes`` that ``user`` may change (a member's, or any
    for staff), not retired and not citing ``output`` yet: what they may cite it from."""
    institute_ids = {institute.pk for institute in institutes}
    if not user.is_staff:
        institute_ids &= set(institute_roles(user))
    if not institute_ids:
        return []
    output_type = ContentType.objects.get_for_model(output)
    candidates = []
    for model, retired in ((Testbed, TestbedStatus.RETIRED), (Service, ServiceStatus.RETIRED)):
        cited = Evidence.all_objects.filter(
            **{model._meta.model_name: OuterRef("pk")},
            output_type=output_type,
            output_id=output.pk,
        )
        candidates += (
            model.objects.filter(institute__in=institute_ids)
            .exclude(status=retired)
            .exclude(Exists(cited))
            .select_related("institute")
            .order_by("institute__acronym", "name", "pk")
        )
    return candidates


def related_testbed(*, user, service: Service) -> Testbed | None:
    """The testbed a service runs on, if ``user`` may see it, with its other services."""
    if service.testbed_id is None:
        return None
    return (
        Testbed.objects.visible_to(user)
        .filter(pk=service.testbed_id)
        .select_related("institute")
        .prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.visible_to(user)
                .exclude(pk=service.pk)
                .select_related("institute"),
            )
        )
        .first()
    )


def record_contacts(*, user, record) -> list[Contact]:
    """Whom to ask about ``record``: its own contacts, else its institute's listed ones."""
    contacts = list(record.contacts.all())
    if contacts:
        return contacts
    return list(
        Contact.objects.visible_to(user).filter(institute=record.institute_id).order_by("name")
    )


def institute_records(*, user, institute: Institute) -> dict[str, list]:
    """The testbeds, services and contacts of ``institute`` that ``user`` may see."""
    return {
        "testbeds": list(
            Testbed.objects.visible_to(user)
            .filter(institute=institute)
            .select_related("institute")
            .order_by("name")
        ),
        "services": list(
            Service.objects.visible_to(user)
            .filter(institute=institute)
            .select_related("institute")
            .order_by("name")
        ),
        "contacts": list(
            Contact.objects.visible_to(user).filter(institute=institute).order_by("name")
        ),
    }


def import_records(*, user, job) -> list:
    """The records an import created, updated or matched, that ``user`` may see."""
    model = Testbed if job.kind == "testbed" else Service
    pks = [row["record"] for row in job.rows if row.get("record")]
    return list(
        model.objects.visible_to(user)
        .filter(pk__in=pks)
        .select_related("institute")
        .order_by("name", "pk")
    )


def institute_selection(*, user, institute: Institute, kind: str, pks) -> list:
    """The records of ``institute`` chosen on its page, among those ``user`` may see."""
    model = Testbed if kind == "testbed" else Service
    return list(
        model.objects.visible_to(user)
        .filter(institute=institute, pk__in=pks)
        .select_related("institute")
        .order_by("pk")
    )


def area_trails(areas) -> list[list[TechnologyArea]]:
    """Each area with its ancestors, root first (computing, superconducting, cryogenics);
    one query for all of them."""
    areas = sorted(areas, key=lambda area: area.path)

    def prefixes(area):
        parts = area.path.split("/")
        return ["/".join(parts[: i + 1]) for i in range(len(parts))]

    wanted = {prefix for area in areas for prefix in prefixes(area)}
    if not wanted:
        return []
    by_path = {area.path: area for area in TechnologyArea.objects.filter(path__in=wanted)}
    return [[by_path[p] for p in prefixes(area) if p in by_path] for area in areas]


# --- What the API, the change feed and the snapshot show ---------------------------------------
# Each is what its endpoint shows ``user``, ready to serialise; the change feed and the snapshot
# call them with an anonymous user, so they hand out exactly what the public API does.


def institutes_for_api(*, user):
    return institute_list(user=user)


#: Where the API's serializers find a record's relations (CapabilityRecordSerializer).
API_RELATIONS = {
    "technology_areas": "api_areas",
    "contacts": "api_contacts",
    "evidence": "api_evidence",
}


def _with_api_relations(records, user):
    """``records`` with their areas' slugs (in the tree's order) and the UUIDs of the contacts
    ``user`` may see, as arrays read with them, and their evidence as a plain list. Prefetched,
    each relation was a query of its own, compiled per request, and its rows model instances
    (the three prefetches: 23 % of a 50-testbed page's time, sampled in gunicorn); with a
    related manager, each record also got a queryset per relation, a reference cycle."""
    related = {records.model._meta.model_name + "s": OuterRef("pk")}
    contacts = Contact.objects.visible_to(user).filter(**related).order_by("name", "pk")
    return records.annotate(
        **{
            API_RELATIONS["technology_areas"]: ArraySubquery(
                tagged_areas(records.model).values("slug")
            ),
            API_RELATIONS["contacts"]: ArraySubquery(contacts.values("uuid")),
        }
    ).prefetch_related(evidence_prefetch(to_attr=API_RELATIONS["evidence"]))


def testbeds_for_api(*, user):
    records = Testbed.objects.visible_to(user).select_related("institute", "readiness__scale")
    return _with_api_relations(records, user).order_by("name", "pk")


def services_for_api(*, user):
    """Services with the uuid of their testbed when ``user`` may see it (else none)."""
    testbed = Testbed.objects.visible_to(user).filter(pk=OuterRef("testbed_id"))
    records = Service.objects.visible_to(user).select_related("institute")
    return (
        _with_api_relations(records, user)
        .annotate(visible_testbed_uuid=Subquery(testbed.values("uuid")[:1]))
        .order_by("name", "pk")
    )


def contacts_for_api(*, user):
    return Contact.objects.visible_to(user).select_related("institute").order_by("name", "pk")


def technology_areas_for_api(*, user):
    """Every area: the taxonomy is public."""
    return TechnologyArea.objects.select_related("parent").order_by("path")


# --- The Atom feeds ---------------------------------------------------------------------------


def newly_published(model, *, limit: int):
    """The ``limit`` testbeds or services most recently published for anyone to see."""
    return (
        model.objects.public().select_related("institute").order_by("-published_at", "-pk")[:limit]
    )
