"""The capabilities models in the change feed and the snapshot, as the anonymous API shows them.

Each lists what its representation, or whether it is public, depends on: an institute's name
and verification show in its records, a contact's state in the records that list it, a testbed's
in the services that run on it, evidence and technology areas in what they are attached to, an
area's parent in its path. Every technology area is public taxonomy, kept by staff.
"""

from nmiq_portal.changes import register

from . import selectors
from .api.serializers import (
    ContactSerializer,
    InstituteSerializer,
    ServiceSerializer,
    TechnologyAreaSerializer,
    TestbedSerializer,
)
from .api.views import (
    contact_queryset,
    service_queryset,
    technology_area_queryset,
    testbed_queryset,
)
from .models import Contact, Institute, Service, TechnologyArea, Testbed


def institute_queryset(user):
    return selectors.institute_list(user=user)


register(
    "institute",
    Institute,
    queryset=institute_queryset,
    serializer_class=InstituteSerializer,
    public=Institute.objects.public,
)
register(
    "testbed",
    Testbed,
    queryset=testbed_queryset,
    serializer_class=TestbedSerializer,
    public=Testbed.objects.public,
    depends=("institute", "contacts", "technology_areas", "evidence", "readiness__scale"),
)
register(
    "service",
    Service,
    queryset=service_queryset,
    serializer_class=ServiceSerializer,
    public=Service.objects.public,
    depends=("institute", "contacts", "technology_areas", "evidence", "testbed"),
)
register(
    "contact",
    Contact,
    queryset=contact_queryset,
    serializer_class=ContactSerializer,
    public=Contact.objects.public,
    depends=("institute",),
)
register(
    "technology_area",
    TechnologyArea,
    queryset=technology_area_queryset,
    serializer_class=TechnologyAreaSerializer,
    public=TechnologyArea.objects.all,
    depends=("parent",),
)
