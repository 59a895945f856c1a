"""The models of the capabilities app, one module per seam; every caller imports them from
here (``from capabilities.models import Testbed``), as Django does."""

from .evidence import (
    DOI,
    Evidence,
    EvidenceQuerySet,
    citable,
    evidence_prefetch,
    has_evidence,
    register_output,
)
from .institutes import Institute, InstituteQuerySet, Invitation, Membership
from .records import (
    KCDB_CODE,
    CapabilityRecord,
    Contact,
    ContactQuerySet,
    DirectoryRecord,
    RecordQuerySet,
    Service,
    ServiceQuerySet,
    Testbed,
    TestbedQuerySet,
    VisibilityScope,
)
from .requests import (
    AccessRequest,
    AccessRequestMessage,
    HeldAccessRequest,
    ImportJob,
    SavedSearch,
)
from .search import SearchSynonym, SearchWord
from .taxonomy import KcdbLabel, ReadinessLevel, ReadinessScale, TechnologyArea
