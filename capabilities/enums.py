"""Choices of the capabilities app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstituteKind(models.TextChoices):
    NMI = "nmi", _("National Metrology Institute (NMI)")
    DI = "di", _("Designated Institute (DI)")
    TESTING_LABORATORY = "testing_laboratory", _("Testing laboratory")
    CERTIFICATION_BODY = "certification_body", _("Certification body")
    RESEARCH_ORGANISATION = "research_organisation", _("Research organisation")
    INDUSTRY_CONSORTIUM = "industry_consortium", _("Industry consortium")


#: Kinds that belong to a Regional Metrology Organisation.
METROLOGY_KINDS = (InstituteKind.NMI, InstituteKind.DI)


class RMO(models.TextChoices):
    """Regional Metrology Organisations."""

    AFRIMETS = "AFRIMETS", "AFRIMETS"
    APMP = "APMP", "APMP"
    COOMET = "COOMET", "COOMET"
    EURAMET = "EURAMET", "EURAMET"
    GULFMET = "GULFMET", "GULFMET"
    SIM = "SIM", "SIM"


class MemberRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    EDITOR = "editor", _("Editor")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")


class Visibility(models.TextChoices):
    """Who sees a testbed or service once its institute publishes it."""

    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("NMI-Q members only")
    INSTITUTE = "institute", _("Own institute only")


class TestbedStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPERATIONAL = "operational", _("Operational")
    RETIRED = "retired", _("Retired")


class ServiceStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    SUSPENDED = "suspended", _("Temporarily unavailable")
    RETIRED = "retired", _("Retired")


class ContactStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class AccessMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    REMOTE = "remote", _("Remote")
    SEND_IN = "send_in", _("Send-in samples")
    COLLABORATION = "collaboration", _("Collaboration")


class Audience(models.TextChoices):
    """Who may use a testbed or service."""

    INDUSTRY = "industry", _("Industry")
    ACADEMIA = "academia", _("Academia")
    NMIS = "nmis", _("NMIs only")


class ServiceKind(models.TextChoices):
    CALIBRATION = "calibration", _("Calibration")
    TESTING = "testing", _("Testing")
    CHARACTERISATION = "characterisation", _("Characterisation")
    TRAINING = "training", _("Training")
    ADVICE = "advice", _("Advice")


class UncertaintyMode(models.TextChoices):
    """How a service states its expanded uncertainty, as the KCDB does."""

    ABSOLUTE = "absolute", _("Absolute")
    RELATIVE = "relative", _("Relative")
    EQUATION = "equation", _("Equation")
    TABLE = "table", _("Table")


class Charging(models.TextChoices):
    FREE_FOR_NMIS = "free_for_nmis", _("Free for NMIs")
    ON_REQUEST = "on_request", _("On request")
    COMMERCIAL = "commercial", _("Commercial")


class AccessRequestStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_DISCUSSION = "in_discussion", _("In discussion")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RecordType(models.TextChoices):
    """The kinds of record the directory search returns."""

    TESTBED = "testbed", _("Testbed")
    SERVICE = "service", _("Service")
    INSTITUTE = "institute", _("Institute")


class ImportKind(models.TextChoices):
    TESTBED = "testbed", _("Testbeds")
    SERVICE = "service", _("Services")


class ImportStatus(models.TextChoices):
    VALIDATED = "validated", _("Checked, waiting to be applied")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Applied")
    FAILED = "failed", _("Failed, nothing changed")


class EvidenceKind(models.TextChoices):
    """What supports a testbed's or service's claims: its "how we know"."""

    COMPARISON = "comparison", _("Comparison (key or supplementary)")
    BENCHMARK = "benchmark", _("Benchmark result")
    GUIDE = "guide", _("Good-practice guide")
    PAPER = "paper", _("Paper")
    OTHER = "other", _("Other")


class MetrologyArea(models.TextChoices):
    """The KCDB's metrology areas, by the label its CMC codes carry (EURAMET-EM-…)."""

    AUV = "AUV", _("Acoustics, ultrasound and vibration")
    EM = "EM", _("Electricity and magnetism")
    L = "L", _("Length")
    M = "M", _("Mass and related quantities")
    PR = "PR", _("Photometry and radiometry")
    T = "T", _("Thermometry")
    TF = "TF", _("Time and frequency")
    QM = "QM", _("Chemistry and biology")
    RI = "RI", _("Ionizing radiation")
