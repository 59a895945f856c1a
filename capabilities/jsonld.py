"""The schema.org data of institute, testbed and service pages (Organization, Place, Service).

Contact e-mail addresses are in it only for signed-in people, as on the page itself.
"""

from django.utils.translation import gettext as _

from nmiq_portal.core.jsonld import json_ld

from .models import Institute


def _contact_points(request, contacts) -> list[dict]:
    points = []
    for contact in contacts:
        point = {"@type": "ContactPoint", "name": contact.name}
        if contact.function:
            point["contactType"] = contact.function
        if contact.phone:
            point["telephone"] = contact.phone
        if request.user.is_authenticated:  # the page shows e-mail addresses to signed-in people
            point["email"] = contact.email
        points.append(point)
    return points


def _organisation_data(request, institute: Institute, contacts=()) -> dict:
    data = {
        "@type": "Organization",
        "@id": request.build_absolute_uri(institute.get_absolute_url()),
        "name": institute.name,
        "alternateName": institute.acronym,
        "url": request.build_absolute_uri(institute.get_absolute_url()),
        "address": {"@type": "PostalAddress", "addressCountry": institute.economy.code},
    }
    if institute.website:
        data["sameAs"] = [institute.website]
    if contacts:
        data["contactPoint"] = _contact_points(request, contacts)
    return data


def _record_data(request, record, kind: str, contacts, trails) -> dict:
    """A testbed is a place (with its coordinates) where a service is offered; a service is a
    schema.org Service; both name their institute as provider."""
    data = {
        "@type": ["Place", "Service"] if kind == "testbed" else "Service",
        "@id": request.build_absolute_uri(record.get_absolute_url()),
        "name": record.name,
        "url": request.build_absolute_uri(record.get_absolute_url()),
        "provider": _organisation_data(request, record.institute),
        "areaServed": {"@type": "Country", "name": record.institute.economy.code},
    }
    if record.summary:
        data["description"] = record.summary
    if trails:
        data["category"] = [" > ".join(area.name for area in trail) for trail in trails]
    if contacts:
        data["provider"]["contactPoint"] = _contact_points(request, contacts)
    if kind == "testbed":
        data["serviceType"] = str(_("Testbed"))
        if record.city:
            data["address"] = {
                "@type": "PostalAddress",
                "addressLocality": record.city,
                "addressCountry": record.institute.economy.code,
            }
        if record.latitude is not None and record.longitude is not None:
            data["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": record.latitude,
                "longitude": record.longitude,
            }
    else:
        data["serviceType"] = record.get_kind_display()
        if record.kcdb_code:
            data["identifier"] = {
                "@type": "PropertyValue",
                "propertyID": "KCDB CMC",
                "value": record.kcdb_code,
            }
    return data


def organisation_ld(request, institute: Institute, contacts=()) -> str:
    """An institute page's JSON-LD: an Organization with its contact points."""
    return json_ld(_organisation_data(request, institute, contacts))


def record_ld(request, record, kind: str, contacts, trails) -> str:
    """A testbed or service page's JSON-LD; ``trails`` are its areas with their ancestors."""
    return json_ld(_record_data(request, record, kind, contacts, trails))
