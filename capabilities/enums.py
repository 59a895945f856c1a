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
