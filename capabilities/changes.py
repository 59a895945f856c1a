"""The capabilities models in the change feed and the snapshot, as the anonymous API shows them.

Each lists what its representation, or whether it is public, depends on: an institute's name
and verification show in its records, a contact's state in the records that list it, a testbed's
in the services that run on it, evidence and technology areas in what they are attached to, an
area's parent in its path. Every technology area is public taxonomy, kept by staff.
"""

from nmiq_portal.changes import register
from nmiq_portal.core import slugs

from . import selectors
from .api.serializers import (
    ContactSerializer,
    InstituteSerializer,
    ServiceSerializer,
    TechnologyAreaSerializer,
    TestbedSerializer,
)
from .models import Contact, Institute, Service, TechnologyArea, Testbed

register(
    "institute",
    Institute,
    queryset=selectors.institutes_for_api,
    serializer_class=InstituteSerializer,
    public=Institute.objects.public,
)
register(
    "testbed",
    Testbed,
    queryset=selectors.testbeds_for_api,
    serializer_class=TestbedSerializer,
    public=Testbed.objects.public,
    depends=("institute", "contacts", "technology_areas", "evidence", "readiness__scale"),
)
register(
    "service",
    Service,
    queryset=selectors.services_for_api,
    serializer_class=ServiceSerializer,
    public=Service.objects.public,
    depends=("institute", "contacts", "technology_areas", "evidence", "testbed"),
)
register(
    "contact",
    Contact,
    queryset=selectors.contacts_for_api,
    serializer_class=ContactSerializer,
    public=Contact.objects.public,
    depends=("institute",),
)
register(
    "technology_area",
    TechnologyArea,
    queryset=selectors.technology_areas_for_api,
    serializer_class=TechnologyAreaSerializer,
    public=TechnologyArea.objects.all,
    depends=("parent",),
)

# Named provisionally until public: an institute until verified; a testbed or service while its
# institute is unverified (an unverified institute may share a verified one's acronym).
slugs.register(Institute, text=lambda institute: institute.acronym, fallback="institute")
for model in (Testbed, Service):
    slugs.register(
        model,
        text=lambda record: f"{record.institute.acronym} {record.name}",
        fallback=model._meta.model_name,
    )
