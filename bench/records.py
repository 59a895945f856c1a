"""The directory of the bench institutes: contacts, testbeds, services, their search vectors
(used by generate.py)."""

# ruff: noqa: S608 - the SQL below is built from this file's constants, never from input.
import random
from datetime import datetime, timedelta

from django.db import connection

from bench import bulk
from bench.catalogue import (
    ACCESS,
    AUDIENCES,
    CITIES,
    DESCRIPTION,
    ECONOMY_CENTRE,
    QUALIFIERS,
    SERVICE_TEMPLATES,
    TESTBED_TEMPLATES,
)
from bench.marks import ACRONYM_PREFIX
from capabilities.enums import ServiceKind, TestbedStatus, Visibility
from capabilities.models import (
    CapabilityRecord,
    Contact,
    Institute,
    Service,
    TechnologyArea,
    Testbed,
)
from capabilities.services import index_for_search
from capabilities.units import parse_unit, to_base


# --- The directory: testbeds, services and contacts of the bench institutes --------------------
#
def _ranges(ranges: dict, rng: random.Random) -> dict:
    """The template's ranges, each end moved a little, as stored fields."""
    fields = {}
    for dimension, (low, high) in ranges.items():
        low_name, high_name = CapabilityRecord.RANGE_FIELDS[dimension]
        fields[low_name] = low * rng.uniform(0.8, 1.0)
        fields[high_name] = high * rng.uniform(1.0, 1.2)
    return fields


def _common(rng: random.Random, institute: Institute, now: datetime) -> dict:
    """What testbeds and services share: visibility, state, access, dates."""
    published = rng.random() < 0.92
    updated_at = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
    return {
        "institute": institute,
        "published": published,
        "published_at": updated_at - timedelta(days=rng.randrange(0, 60)) if published else None,
        "visibility": rng.choices(
            [Visibility.PUBLIC, Visibility.MEMBERS, Visibility.INSTITUTE], weights=[85, 10, 5]
        )[0],
        "access_modes": sorted(rng.sample(ACCESS, rng.randint(1, 3))),
        "audiences": sorted(rng.sample(AUDIENCES, rng.randint(1, 3))),
        "si_traceable": rng.random() < 0.6,
        "created_at": updated_at - timedelta(days=rng.randrange(0, 400)),
        "updated_at": updated_at,
    }


def _spread(total: int, institutes: list) -> list[tuple]:
    """(institute, its number for it) for ``total`` records shared out over ``institutes``."""
    counts: dict[int, int] = {}
    rows = []
    for index in range(total):
        institute = institutes[index % len(institutes)]
        counts[institute.pk] = counts.get(institute.pk, 0) + 1
        rows.append((institute, counts[institute.pk]))
    return rows


def build_directory(rng, institutes, now, testbeds_total: int, services_total: int) -> dict:
    """Contacts, testbeds and services (with their areas and contacts) of the bench institutes."""
    areas = {area.slug: (area.pk, area.name) for area in TechnologyArea.objects.all()}
    contacts = bulk.copy(
        Contact,
        [
            Contact(
                institute=institute,
                name=f"{institute.acronym} quantum desk",
                function="Testbed and service enquiries",
                email=f"{institute.acronym.lower()}-desk@example.org",
                published=True,
                published_at=now,
            )
            for institute in institutes
        ],
    )
    contact_of = {contact.institute_id: contact.pk for contact in contacts}
    testbeds, testbed_areas = [], []
    for institute, number in _spread(testbeds_total, institutes):
        centre = ECONOMY_CENTRE.get(str(institute.economy), (0.0, 0.0))
        name, slugs, quantities, ranges = rng.choice(TESTBED_TEMPLATES)
        name += rng.choice(QUALIFIERS)
        status = rng.choices(
            [TestbedStatus.OPERATIONAL, TestbedStatus.PLANNED, TestbedStatus.RETIRED],
            weights=[85, 12, 3],
        )[0]
        testbeds.append(
            Testbed(
                slug=f"{institute.slug}-t{number}",
                name=name,
                summary=f"{name}: {', '.join(quantities)}.",
                description=DESCRIPTION.format(
                    name=name, institute=institute.name, quantities=", ".join(quantities)
                ),
                quantities=quantities,
                status=status,
                city=f"{institute.name.split()[0]} {rng.choice(CITIES)}",
                latitude=round(centre[0] + rng.uniform(-6, 6), 2),
                longitude=round(centre[1] + rng.uniform(-8, 8), 2),
                **_ranges(ranges, rng),
                **_common(rng, institute, now),
            )
        )
        testbed_areas.append([areas[slug][0] for slug in slugs])
        testbeds[-1].technology_area_names = sorted(areas[slug][1] for slug in slugs)
    bulk.copy(Testbed, testbeds)
    by_institute: dict[int, list[int]] = {}
    for testbed in testbeds:
        by_institute.setdefault(testbed.institute_id, []).append(testbed.pk)

    services, service_areas = [], []
    for institute, number in _spread(services_total, institutes):
        kind, name, slugs, quantity, measurand, uncertainty, ranges = rng.choice(SERVICE_TEMPLATES)
        name += rng.choice(QUALIFIERS)
        values = {}
        if measurand:
            low, high, unit = measurand
            base_low, base_unit = to_base(low, parse_unit(unit))
            base_high, _ = to_base(high, parse_unit(unit))
            values.update(
                range_lower=low,
                range_upper=high,
                range_unit=unit,
                range_base_lower=base_low,
                range_base_upper=base_high,
                range_base_unit=base_unit,
            )
        if uncertainty:
            mode, low, high, unit = uncertainty
            values.update(
                uncertainty_mode=mode,
                uncertainty_lower=low,
                uncertainty_upper=high,
                uncertainty_unit=unit,
                coverage_factor=2,
                confidence_level=95,
            )
        if kind == ServiceKind.CALIBRATION and institute.rmo and rng.random() < 0.5:
            area = {"V": "EM", "K": "T", "Hz": "TF"}.get(measurand[2], "PR")
            values["kcdb_code"] = (
                f"{institute.rmo}-{area}-{institute.economy}-{rng.randrange(16**8):08X}-1"
            )
        related = by_institute.get(institute.pk)
        services.append(
            Service(
                slug=f"{institute.slug}-s{number}",
                name=name,
                kind=kind,
                summary=f"{name} by {institute.acronym}.",
                description=DESCRIPTION.format(
                    name=name, institute=institute.name, quantities=quantity or name
                ),
                quantity=quantity,
                method=rng.choice(["Comparison", "Substitution", "Direct measurement", ""]),
                testbed_id=rng.choice(related) if related and rng.random() < 0.5 else None,
                **values,
                **_ranges(ranges, rng),
                **_common(rng, institute, now),
            )
        )
        service_areas.append([areas[slug][0] for slug in slugs])
        services[-1].technology_area_names = sorted(areas[slug][1] for slug in slugs)
    bulk.copy(Service, services)

    for model, records, record_areas in (
        (Testbed, testbeds, testbed_areas),
        (Service, services, service_areas),
    ):
        column = f"{model._meta.model_name}_id"
        bulk.copy_rows(
            model.technology_areas.through._meta.db_table,
            [column, "technologyarea_id"],
            (
                (record.pk, pk)
                for record, pks in zip(records, record_areas, strict=True)
                for pk in pks
            ),
        )
        bulk.copy_rows(
            model.contacts.through._meta.db_table,
            [column, "contact_id"],
            ((record.pk, contact_of[record.institute_id]) for record in records),
        )
    return {"contacts": len(contacts), "testbeds": len(testbeds), "services": len(services)}


def _weighted(weight: str, *texts: str) -> str:
    """SQL for one weight of the vector, as capabilities.search.weighted_vector writes it."""
    joined = " || ' ' || ".join(f"coalesce({text}, '')" for text in texts)
    return f"setweight(to_tsvector('english', nmiq_unaccent({joined})), '{weight}')"


def index_directory() -> None:
    """Fill the search vectors of the bench rows in one UPDATE per table, with the same weights
    as ``capabilities.services.index_for_search`` (A name; B summary, areas, quantities and for
    services quantity, method and KCDB code; C description; D institute)."""
    for table, model_name, extra in (
        ("capabilities_testbed", "testbed", ["array_to_string(r.quantities, ' ')"]),
        ("capabilities_service", "service", ["r.quantity", "r.method", "r.kcdb_code"]),
    ):
        areas = (
            "(select string_agg(a.name, ' ') from capabilities_technologyarea a "
            f"join {table}_technology_areas t on t.technologyarea_id = a.id "
            f"where t.{model_name}_id = r.id)"
        )
        vector = " || ".join(
            [
                _weighted("A", "r.name"),
                _weighted("B", "r.summary", areas, *extra),
                _weighted("C", "r.description"),
                _weighted("D", "i.acronym", "i.name"),
            ]
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"update {table} r set search_vector = {vector} "
                "from capabilities_institute i where i.id = r.institute_id "
                "and i.acronym like %s",
                [f"{ACRONYM_PREFIX}%"],
            )
    bench = Institute.objects.filter(acronym__startswith=ACRONYM_PREFIX)
    for institute in bench.iterator(chunk_size=2000):
        index_for_search(institute)
