"""Load demo data drawn from the BIPM NMI-Q workshop report (March 2024); safe to run again."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from capabilities.enums import InstituteKind, MemberRole
from capabilities.models import Institute, Membership

DEMO_PASSWORD = "nmiq-demo-2026"  # noqa: S105 - published on purpose, demo accounts only
DEMO_DOMAIN = "demo.nmi-q.example"
DEMO_NOTE = (
    "Demo record: the institute is named in the report of the BIPM workshop on quantum "
    "technologies (March 2024); the description is illustrative, not the institute's own."
)

# (acronym, name, kind, economy, RMO, website, what the workshop report says of it)
INSTITUTES = [
    (
        "NIST",
        "National Institute of Standards and Technology",
        InstituteKind.NMI,
        "US",
        "SIM",
        "https://www.nist.gov",
        "Characterisation of superconducting quantum devices at millikelvin temperatures, "
        "quantum photonics and post-quantum cryptography.",
    ),
    (
        "NPL",
        "National Physical Laboratory",
        InstituteKind.NMI,
        "GB",
        "EURAMET",
        "https://www.npl.co.uk",
        "Leads the UK Standardisation Network for quantum with BSI and UK Quantum; cryogenic "
        "thermometry and quantum communication testing.",
    ),
    (
        "PTB",
        "Physikalisch-Technische Bundesanstalt",
        InstituteKind.NMI,
        "DE",
        "EURAMET",
        "https://www.ptb.de",
        "Quantum Technology Competence Centre; testbeds for ion traps, superconducting quantum "
        "computers and quantum communication.",
    ),
    (
        "NRC",
        "National Research Council Canada",
        InstituteKind.NMI,
        "CA",
        "SIM",
        "https://nrc.canada.ca",
        "Quantum photonics standards: single-photon sources and detectors, CCPR terminology work.",
    ),
    (
        "NMIJ",
        "National Metrology Institute of Japan (AIST)",
        InstituteKind.NMI,
        "JP",
        "APMP",
        "https://unit.aist.go.jp/nmij/",
        "G-QuAT: hardware testbed for cryogenic components and traceable testing at low "
        "temperature.",
    ),
    (
        "NMIA",
        "National Measurement Institute, Australia",
        InstituteKind.NMI,
        "AU",
        "APMP",
        "https://www.industry.gov.au/national-measurement-institute",
        "Collaboration frameworks for pre-standardisation; quantum-adjacent experience from "
        "nanotechnology standards.",
    ),
    (
        "LNE",
        "Laboratoire national de métrologie et d'essais",
        InstituteKind.NMI,
        "FR",
        "EURAMET",
        "https://www.lne.fr",
        "MetriQs-France: characterisation of solid-state qubits, cryogenics, quantum gravimetry "
        "and atomic clocks; the BACQ benchmarking project.",
    ),
    (
        "INRiM",
        "Istituto Nazionale di Ricerca Metrologica",
        InstituteKind.NMI,
        "IT",
        "EURAMET",
        "https://www.inrim.it",
        "EMN-Q and the Qu-Test project: test and experimentation services for quantum devices.",
    ),
    (
        "CEM",
        "Centro Español de Metrología",
        InstituteKind.NMI,
        "ES",
        "EURAMET",
        "https://www.cem.es",
        "Member of the CIPM panel on the main take-aways of the workshop.",
    ),
    (
        "QED-C",
        "Quantum Economic Development Consortium",
        InstituteKind.INDUSTRY_CONSORTIUM,
        "US",
        "",
        "https://quantumconsortium.org",
        "250 members from 20 economies; standing committee on standards and testing; initiated "
        "standardisation readiness levels with NIST.",
    ),
    (
        "QuIC",
        "European Quantum Industry Consortium",
        InstituteKind.INDUSTRY_CONSORTIUM,
        "BE",
        "",
        "https://www.euroquic.org",
        "About 180 members across Europe; standardisation work group.",
    ),
    (
        "Q-STAR",
        "Quantum Strategic industry Alliance for Revolution",
        InstituteKind.INDUSTRY_CONSORTIUM,
        "JP",
        "",
        "https://qstar.jp",
        "Established in 2021 with 88 members, suppliers and end users.",
    ),
    (
        "UKQuantum",
        "UK Quantum",
        InstituteKind.INDUSTRY_CONSORTIUM,
        "GB",
        "",
        "https://ukquantum.org",
        "54 member organisations; standards working group chaired by NPL.",
    ),
    (
        "QIC",
        "Quantum Industry Canada",
        InstituteKind.INDUSTRY_CONSORTIUM,
        "CA",
        "",
        "https://www.quantumindustrycanada.ca",
        "Industry voice of Canada's national quantum strategy.",
    ),
    (
        "SQMS",
        "Superconducting Quantum Materials and Systems Center (Fermilab)",
        InstituteKind.RESEARCH_ORGANISATION,
        "US",
        "",
        "https://sqms.fnal.gov",
        "Organised the qubit round robin: one device measured at several sites.",
    ),
]

# (e-mail local part, name, staff?, [(institute acronym, role)])
ACCOUNTS = [
    ("staff", "Portal Staff", True, []),
    ("admin.npl", "Alex Admin (NPL)", False, [("NPL", MemberRole.ADMIN)]),
    ("editor.ptb", "Eva Editor (PTB)", False, [("PTB", MemberRole.EDITOR)]),
    ("admin.ptb", "Paul Admin (PTB)", False, [("PTB", MemberRole.ADMIN)]),
    ("user", "Ulla User (industry)", False, []),
]


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off (the demo accounts have a published password).",
        )

    @transaction.atomic
    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "Refusing to create demo accounts with a published password while DEBUG is off; "
                "pass --allow-production if this really is a demo site."
            )
        institutes = {}
        for acronym, name, kind, economy, rmo, website, summary in INSTITUTES:
            institute, _ = Institute.objects.update_or_create(
                acronym=acronym,
                defaults={
                    "slug": acronym.lower().replace("-", ""),
                    "name": name,
                    "kind": kind,
                    "economy": economy,
                    "rmo": rmo,
                    "website": website,
                    "description": f"{summary}\n\n{DEMO_NOTE}",
                    "verified": True,
                    "demo": True,
                },
            )
            institutes[acronym] = institute

        user_model = get_user_model()
        for local_part, name, staff, memberships in ACCOUNTS:
            email = demo_email(local_part)
            user, _ = user_model.objects.get_or_create(email=email, defaults={"name": name})
            user.name = name
            user.is_staff = staff
            user.is_superuser = staff
            user.set_password(DEMO_PASSWORD)
            user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            for acronym, role in memberships:
                Membership.objects.update_or_create(
                    user=user, institute=institutes[acronym], defaults={"role": role}
                )

        self.stdout.write(self.style.SUCCESS(f"Demo data: {len(institutes)} institutes."))
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
        for local_part, name, _staff, _memberships in ACCOUNTS:
            self.stdout.write(f"  {demo_email(local_part):32} {name}")
