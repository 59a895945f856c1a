"""Demo data of the outputs, one block per kind; reached through the services and the engine,
safe to run again."""

from datetime import date, datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from capabilities.demo import DEMO_PASSWORD, demo_email
from capabilities.enums import InstituteKind, MemberRole
from capabilities.models import (
    Evidence,
    Institute,
    Membership,
    ReadinessLevel,
    Service,
    TechnologyArea,
)
from capabilities.services import evidence_cite, index_for_search
from collaborations import services as collaborations
from collaborations.enums import ProjectKind
from collaborations.models import Project, TechnicalWorkingArea

from . import services
from .enums import GuideVersionStatus, ReferenceMethod, UncertaintyKind
from .models import Benchmark, Comparison, Guide, GuideVersion, ReadinessAssessment, Term
from .pdf import text_pdf
from .services import term_propose, term_transition

# --- glossary ---

VIM = (
    "JCGM 200:2012, International vocabulary of metrology — Basic and general concepts and "
    "associated terms (VIM), 3rd edition"
)
VIM_URL = "https://www.bipm.org/en/committees/jc/jcgm/publications"

# (clause, term, synonyms, definition): quoted exactly from the VIM, 3rd edition. The workshop
# report (reference/bipm-nmiq-workshop-2024.md) defines none of the community's words (NMI, DI,
# RMO, TWA, testbed, round robin, good-practice guide); it only expands a few abbreviations, so
# none of them is seeded: the glossary holds no definition of its own.
VIM_TERMS = [
    ("2.3", "measurand", [], "quantity intended to be measured"),
    (
        "2.9",
        "measurement result",
        ["result of measurement"],
        "set of quantity values being attributed to a measurand together with any other "
        "available relevant information",
    ),
    (
        "2.13",
        "measurement accuracy",
        ["accuracy of measurement", "accuracy"],
        "closeness of agreement between a measured quantity value and a true quantity value of "
        "a measurand",
    ),
    (
        "2.15",
        "measurement precision",
        ["precision"],
        "closeness of agreement between indications or measured quantity values obtained by "
        "replicate measurements on the same or similar objects under specified conditions",
    ),
    (
        "2.26",
        "measurement uncertainty",
        ["uncertainty of measurement", "uncertainty"],
        "non-negative parameter characterizing the dispersion of the quantity values being "
        "attributed to a measurand, based on the information used",
    ),
    (
        "2.28",
        "Type A evaluation of measurement uncertainty",
        ["Type A evaluation"],
        "evaluation of a component of measurement uncertainty by a statistical analysis of "
        "measured quantity values obtained under defined measurement conditions",
    ),
    (
        "2.29",
        "Type B evaluation of measurement uncertainty",
        ["Type B evaluation"],
        "evaluation of a component of measurement uncertainty determined by means other than a "
        "Type A evaluation of measurement uncertainty",
    ),
    (
        "2.30",
        "standard measurement uncertainty",
        ["standard uncertainty of measurement", "standard uncertainty"],
        "measurement uncertainty expressed as a standard deviation",
    ),
    (
        "2.31",
        "combined standard measurement uncertainty",
        ["combined standard uncertainty"],
        "standard measurement uncertainty that is obtained using the individual standard "
        "measurement uncertainties associated with the input quantities in a measurement model",
    ),
    (
        "2.35",
        "expanded measurement uncertainty",
        ["expanded uncertainty"],
        "product of a combined standard measurement uncertainty and a factor larger than the "
        "number one",
    ),
    (
        "2.36",
        "coverage interval",
        [],
        "interval containing the set of true quantity values of a measurand with a stated "
        "probability, based on the information available",
    ),
    (
        "2.37",
        "coverage probability",
        [],
        "probability that the set of true quantity values of a measurand is contained within a "
        "specified coverage interval",
    ),
    (
        "2.38",
        "coverage factor",
        [],
        "number larger than one by which a combined standard measurement uncertainty is "
        "multiplied to obtain an expanded measurement uncertainty",
    ),
    (
        "2.39",
        "calibration",
        [],
        "operation that, under specified conditions, in a first step, establishes a relation "
        "between the quantity values with measurement uncertainties provided by measurement "
        "standards and corresponding indications with associated measurement uncertainties "
        "and, in a second step, uses this information to establish a relation for obtaining a "
        "measurement result from an indication",
    ),
    (
        "2.41",
        "metrological traceability",
        [],
        "property of a measurement result whereby the result can be related to a reference "
        "through a documented unbroken chain of calibrations, each contributing to the "
        "measurement uncertainty",
    ),
    (
        "5.1",
        "measurement standard",
        ["etalon"],
        "realization of the definition of a given quantity, with stated quantity value and "
        "associated measurement uncertainty, used as a reference",
    ),
    (
        "5.18",
        "reference quantity value",
        ["reference value"],
        "quantity value used as a basis for comparison with values of quantities of the same kind",
    ),
]

#: Who proposes the demo terms (for PTB) and who agrees them (a coordinator from NIST).
PROPOSER = "editor.ptb"
DECIDER = "coordinator.nist"


def _seed_glossary(stdout) -> None:
    users = get_user_model().objects
    proposer, decider = users.get(email=demo_email(PROPOSER)), users.get(email=demo_email(DECIDER))
    institute = Institute.objects.get(acronym="PTB")
    created = 0
    for clause, name, synonyms, definition in VIM_TERMS:
        if Term.objects.filter(source=VIM, clause=clause).exists():
            continue
        term = term_propose(
            actor=proposer,
            institute=institute,
            term=name,
            definition=definition,
            source=VIM,
            clause=clause,
            source_url=VIM_URL,
            synonyms=synonyms,
        )
        term_transition(actor=decider, term=term, action="agree")
        created += 1
    stdout.write(
        f"Glossary: {len(VIM_TERMS)} VIM terms; {created} created "
        f"({len(VIM_TERMS) - created} already there)."
    )


# --- comparisons ---
# Two real, published key comparisons, their numbers copied from the reference data
# (/work/shared/reference/data/, README.md sections 2a and 2b):
# - CCQM-K30, lead in wine: kc_ccqm_k30_pb_in_wine.csv, from cran/metRology @ b3362a3
#   data/Pb.rda and man/Pb.Rd (source: Hearn, Santamaria-Fernandez, Sargent, "Final report on
#   key comparison CCQM-K30: Determination of lead in wine", Metrologia 45 (2008) 08001). The
#   KCRV is "set at 2.99 mg/kg with expanded uncertainty 0.06 mg/kg": the arithmetic mean of the
#   nine included results, not their weighted mean (2.9396); how U = 0.06 was obtained is not
#   stated, so the page shows u = s/√n of the nine results beside the published value.
# - BIPM.EM-K10 / EUROMET.EM.BIPM-K10.a at 1.018 V: kc_bipm_em_k10_1018V_doe.csv, from
#   https://www.bipm.org/kcdb/comparison?id=1381 (stored copy, which stops after row 29). "The
#   KCRV is the voltage supplied by the BIPM Josephson voltage standard": a fixed reference, and
#   the published D_i and U_i (nV, 95 % level) already hold both laboratories' uncertainties, so
#   each result is D_i with U_i (k = 2) and the reference 0 nV with u = 0, which gives back
#   d_i = D_i and U(d_i) = U_i. Rows of both comparisons share the published table, so a
#   laboratory may appear twice.

COMPARISON_SOURCE = "reference data of the NMI-Q portal (/work/shared/reference/data/README.md)"
LEAD_ACCOUNTS = {"BIPM": "editor.bipm", "LGC": "editor.lgc"}
PARTNER = ("PTB", "editor.ptb")
STAFF = "staff"

#: Institutes the comparisons need beyond the directory's: (acronym, name, kind, economy, RMO,
#: note). Names as the institutes write them; renamed ones say what they are now, as the
#: published footnotes do.
INSTITUTES = [
    (
        "BIPM",
        "Bureau International des Poids et Mesures",
        InstituteKind.RESEARCH_ORGANISATION,
        "FR",
        "",
        "The intergovernmental organisation at Sèvres; listed as a research organisation, "
        "the portal having no kind for an intergovernmental body.",
    ),
    ("DFM", "Danish Fundamental Metrology", InstituteKind.NMI, "DK", "EURAMET", ""),
    (
        "VSL",
        "VSL, Dutch Metrology Institute",
        InstituteKind.NMI,
        "NL",
        "EURAMET",
        "Named NMi-VSL in BIPM.EM-K10.",
    ),
    (
        "KRISS",
        "Korea Research Institute of Standards and Science",
        InstituteKind.NMI,
        "KR",
        "APMP",
        "",
    ),
    ("MSL", "Measurement Standards Laboratory of New Zealand", InstituteKind.NMI, "NZ", "APMP", ""),
    ("NIM", "National Institute of Metrology, China", InstituteKind.NMI, "CN", "APMP", ""),
    (
        "RISE",
        "RISE Research Institutes of Sweden",
        InstituteKind.NMI,
        "SE",
        "EURAMET",
        "Named SP in BIPM.EM-K10.",
    ),
    ("NMC A*STAR", "National Metrology Centre, A*STAR", InstituteKind.NMI, "SG", "APMP", ""),
    ("VNIIM", "D. I. Mendeleyev Institute for Metrology", InstituteKind.NMI, "RU", "COOMET", ""),
    ("UME", "TÜBİTAK Ulusal Metroloji Enstitüsü", InstituteKind.NMI, "TR", "EURAMET", ""),
    ("EIM", "Hellenic Institute of Metrology", InstituteKind.NMI, "GR", "EURAMET", ""),
    ("MIKES", "VTT MIKES Metrology", InstituteKind.NMI, "FI", "EURAMET", ""),
    (
        "GUM",
        "Główny Urząd Miar (Central Office of Measures)",
        InstituteKind.NMI,
        "PL",
        "EURAMET",
        "",
    ),
    ("CMI", "Czech Metrology Institute", InstituteKind.NMI, "CZ", "EURAMET", ""),
    (
        "INMETRO",
        "Instituto Nacional de Metrologia, Qualidade e Tecnologia",
        InstituteKind.NMI,
        "BR",
        "SIM",
        "",
    ),
    (
        "IRMM",
        "Institute for Reference Materials and Measurements (European Commission, JRC)",
        InstituteKind.RESEARCH_ORGANISATION,
        "BE",
        "",
        "",
    ),
    (
        "LGC",
        "LGC",
        InstituteKind.DI,
        "GB",
        "EURAMET",
        "The pilot laboratory of CCQM-K30 (the final report's authors are of LGC).",
    ),
    ("CSIR", "CSIR National Metrology Laboratory", InstituteKind.NMI, "ZA", "AFRIMETS", ""),
    (
        "INM",
        "Institutul Național de Metrologie",
        InstituteKind.NMI,
        "RO",
        "EURAMET",
        "CCQM-K30's source names this laboratory only as INM; the economy is our reading of the "
        "acronym, not stated in the source.",
    ),
]

#: Published row → (institute acronym, reported as): the footnotes (a) now LNE, (b) now NMIJ
#: AIST, (c) now VSL, (d) now RISE, (e) now INRiM.
K10_LABS = {
    "BNM-LCIE (a)": ("LNE", "BNM-LCIE"),
    "NMIJ (b)": ("NMIJ", ""),
    "NMi-VSL (c)": ("VSL", "NMi-VSL"),
    "SP (d)": ("RISE", "SP"),
    "SP": ("RISE", "SP"),
    "IEN (e)": ("INRiM", "IEN"),
    "IEN": ("INRiM", "IEN"),
}
#: (row, lab as published, D_i / nV, U_i / nV) — kc_bipm_em_k10_1018V_doe.csv, verbatim.
K10 = [
    (1, "DFM", 0.20, 0.6),
    (2, "PTB", -0.10, 0.6),
    (3, "NIST", 0.10, 0.6),
    (4, "NRC", 0.20, 0.6),
    (5, "NPL", -0.07, 1.0),
    (6, "BNM-LCIE (a)", -0.12, 0.3),
    (7, "NMIJ (b)", -0.04, 0.4),
    (8, "NMi-VSL (c)", 0.20, 0.4),
    (9, "KRISS", 0.20, 0.4),
    (10, "MSL", -0.24, 0.4),
    (11, "NMIA", -0.02, 0.3),
    (12, "NIM", -0.01, 0.2),
    (13, "SP (d)", 0.10, 0.6),
    (14, "IEN (e)", 0.10, 0.4),
    (15, "CEM", 0.00, 0.4),
    (16, "NMC A*STAR", 1.80, 1.8),
    (17, "INTI", -1.06, 4.0),
    (18, "METAS", 0.28, 0.9),
    (19, "VNIIM", 0.0, 0.5),
    (20, "UME", 0.1, 0.8),
    (21, "PTB", 0.1, 0.5),
    (22, "SP", 0.0, 2.3),
    (23, "NPL", -1.2, 1.2),
    (24, "DFM", 0.2, 1.1),
    (25, "IEN", 0.0, 0.7),
    (26, "EIM", -0.9, 4.5),
    (27, "MIKES", 0.1, 0.4),
    (28, "GUM", 1.3, 6.2),
    (29, "CMI", -0.7, 5.1),
]
#: (lab, value / (mg/kg), U / (mg/kg), k, method, included) — kc_ccqm_k30_pb_in_wine.csv.
K30 = [
    ("INMETRO", 1.62, 0.088, 2.0, "ICP", False),
    ("KRISS", 2.893, 0.044, 2.13, "IDMS", True),
    ("NMIJ", 2.936, 0.025, 2.0, "IDMS", True),
    ("IRMM", 2.94, 0.033, 2.0, "IDMS", True),
    ("PTB", 2.96, 0.08, 2.4, "IDMS", True),
    ("NMIA", 2.98, 0.2, 1.99, "IDMS", True),
    ("LGC", 3.0, 0.1, 2.0, "IDMS", True),
    ("CSIR", 3.001, 0.136, 2.0, "IDMS", True),
    ("NIM", 3.07, 0.17, 2.0, "IDMS", True),
    ("LNE", 3.13, 0.12, 2.0, "IDMS", True),
    ("INM", 7.71, 1.98, 2.0, "GFAAS", False),
]

TWA = (
    5,
    "twa-5",
    "Key comparisons: reference data",
    "Published key comparisons of the CIPM MRA, loaded as reference data so that the portal's "
    "reference values, consistency checks and degrees of equivalence can be checked against "
    "what was published.\n\n*Demo working area: the comparisons in it are real; the working "
    "area is the demo's own.*",
)

COMPARISONS = [
    {
        "acronym": "CCQM-K30",
        "title": "Key comparison CCQM-K30: determination of lead in wine",
        "summary": "National measurement institutes measured the mass fraction of lead in a "
        "circulated wine; nine isotope-dilution results set the reference value.",
        "lead": "LGC",
        "final_report_url": "https://doi.org/10.1088/0026-1394/45/1A/08001",
        "comparison": {
            "identifier": "CCQM-K30",
            "measurand": "Mass fraction of lead in wine",
            "unit": "mg/kg",
            "method": ReferenceMethod.ARITHMETIC_MEAN,
            "description": "Published KCRV: 2.99 mg/kg with expanded uncertainty 0.06 mg/kg, "
            "the arithmetic mean of the nine included results (INMETRO and INM excluded). The "
            "source does not say how U = 0.06 mg/kg was obtained; the uncertainty below is "
            "s/√n of the nine results. The weighted mean (2.9396 mg/kg) is not the KCRV.",
            "source": "Hearn, Santamaria-Fernandez, Sargent, Metrologia 45 (2008) 08001; data "
            "from cran/metRology (data/Pb.rda, man/Pb.Rd)",
        },
    },
    {
        "acronym": "BIPM.EM-K10",
        "title": "Key comparison BIPM.EM-K10 of Josephson voltage standards at 1.018 V",
        "summary": "Bilateral comparisons of national Josephson voltage standards with the "
        "BIPM's travelling Josephson standard, at 1.018 V.",
        "lead": "BIPM",
        "final_report_url": "https://www.bipm.org/kcdb/comparison?id=1381",
        "comparison": {
            "identifier": "BIPM.EM-K10",
            "measurand": "Difference between the participant's and the BIPM's Josephson "
            "voltage standards at 1.018 V",
            "unit": "nV",
            "method": ReferenceMethod.FIXED,
            "reference_value": 0.0,
            "reference_uncertainty": 0.0,
            "description": "The KCRV is the voltage of the BIPM Josephson voltage standard. "
            "Each result is the published Dᵢ with its Uᵢ (95 % level, taken as k = 2), which "
            "already holds the uncertainties of both standards: the reference is entered as "
            "0 nV with u = 0. Rows of BIPM.EM-K10.a and EUROMET.EM.BIPM-K10.a share the "
            "published table; the stored copy stops after row 29.",
            "source": "https://www.bipm.org/kcdb/comparison?id=1381",
        },
    },
]


def _institutes() -> dict:
    for acronym, name, kind, economy, rmo, note in INSTITUTES:
        if Institute.objects.filter(acronym__iexact=acronym).exists():
            continue
        institute = Institute.objects.create(
            acronym=acronym,
            slug=acronym.lower().replace(" ", "-").replace("*", "").replace(".", ""),
            name=name,
            kind=kind,
            economy=economy,
            rmo=rmo,
            description=(f"{note}\n\n" if note else "")
            + f"Demo record: the institute took part in a comparison of the {COMPARISON_SOURCE}.",
            verified=True,
            demo=True,
        )
        index_for_search(institute)
    return {institute.acronym: institute for institute in Institute.objects.all()}


def _accounts(institutes) -> dict:
    user_model = get_user_model()
    for acronym, local_part in LEAD_ACCOUNTS.items():
        user, created = user_model.objects.get_or_create(
            email=demo_email(local_part), defaults={"name": f"Demo Editor ({acronym})"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        Membership.objects.get_or_create(
            user=user, institute=institutes[acronym], defaults={"role": MemberRole.EDITOR}
        )
    local_parts = [*LEAD_ACCOUNTS.values(), PARTNER[1], STAFF]
    return {
        local_part: user_model.objects.get(email=demo_email(local_part))
        for local_part in local_parts
    }


def _results(spec: dict, institutes: dict) -> list[dict]:
    if spec["acronym"] == "CCQM-K30":
        return [
            {
                "institute": institutes[lab],
                "position": position,
                "value": value,
                "uncertainty_kind": UncertaintyKind.EXPANDED,
                "uncertainty": expanded,
                "coverage_factor": k,
                "method": method,
                "included": included,
            }
            for position, (lab, value, expanded, k, method, included) in enumerate(K30, start=1)
        ]
    rows = []
    for position, lab, d, expanded in K10:
        acronym, reported_as = K10_LABS.get(lab, (lab, ""))
        rows.append(
            {
                "institute": institutes[acronym],
                "reported_as": reported_as,
                "position": position,
                "value": d,
                "uncertainty_kind": UncertaintyKind.EXPANDED,
                "uncertainty": expanded,
                "coverage_factor": 2.0,
                "method": "Bilateral comparison with the BIPM Josephson standard",
                "included": False,
            }
        )
    return rows


def _comparison(spec: dict, twa, institutes: dict, users: dict) -> Comparison:
    lead = users[LEAD_ACCOUNTS[spec["lead"]]]
    partner, staff = users[PARTNER[1]], users[STAFF]
    project = collaborations.project_create(
        actor=lead,
        twa=twa,
        lead_institute=institutes[spec["lead"]],
        kind=ProjectKind.COMPARISON,
        title=spec["title"],
        acronym=spec["acronym"],
        summary=spec["summary"],
    )
    participation = collaborations.participation_invite(
        actor=lead, project=project, institute=institutes[PARTNER[0]]
    )
    collaborations.participation_transition(
        actor=partner, participation=participation, action="accept"
    )
    moves = ((lead, "submit", ""), (staff, "start_review", ""), (staff, "approve", "Approved."))
    for actor, action, comment in moves:
        project = collaborations.project_transition(
            actor=actor, project=project, action=action, comment=comment
        )
    project = collaborations.project_transition(actor=lead, project=project, action="activate")
    project = collaborations.project_link_final_report(
        actor=lead, project=project, final_report_url=spec["final_report_url"]
    )
    project = collaborations.project_transition(actor=lead, project=project, action="complete")
    comparison = services.comparison_create(actor=lead, project=project, **spec["comparison"])
    for fields in _results(spec, institutes):
        services.result_add(actor=lead, comparison=comparison, version=comparison.version, **fields)
        comparison.refresh_from_db()
    comparison = services.comparison_transition(actor=lead, comparison=comparison, action="submit")
    return services.comparison_transition(actor=staff, comparison=comparison, action="publish")


def _seed_comparisons(stdout) -> None:
    """The two published comparisons, with the institutes and projects they need (kept when
    already there)."""
    institutes = _institutes()
    users = _accounts(institutes)
    number, slug, title, scope = TWA
    twa, _created = TechnicalWorkingArea.objects.update_or_create(
        number=number, defaults={"slug": slug, "title": title, "scope": scope}
    )
    created = 0
    for spec in COMPARISONS:
        if not Project.objects.filter(twa=twa, acronym=spec["acronym"]).exists():
            _comparison(spec, twa, institutes, users)
            created += 1
    stdout.write(
        f"Comparisons: {created} created ({len(COMPARISONS) - created} already there); "
        f"{Comparison.objects.public().count()} published."
    )


#: The one demo record that took part in a demo comparison: NRC's DC voltage service works by
#: direct comparison to NRC's Josephson array (its KCDB CMC, in capabilities' demo), and NRC's
#: Josephson standard is row 4 of BIPM.EM-K10's published table.
CITATION = (
    "NRC",
    "DC voltage standards by direct comparison to a Josephson array",
    "BIPM.EM-K10",
    "NRC's Josephson standard: row 4 of the published table, D = 0.20 nV, U = 0.6 nV (k = 2).",
)


def _cite_comparison(stdout) -> None:
    """NRC's DC voltage service cites BIPM.EM-K10 as its evidence (kept when already there)."""
    acronym, service_name, identifier, note = CITATION
    service = Service.objects.filter(institute__acronym=acronym, name=service_name).first()
    comparison = Comparison.objects.public().filter(identifier=identifier).first()
    if service is None or comparison is None:
        return
    if not Evidence.all_objects.filter(service=service, output_id=comparison.pk).exists():
        staff = get_user_model().objects.get(email=demo_email("staff"))
        evidence_cite(actor=staff, record=service, output=comparison, note=note)
    stdout.write(f"Evidence: {service_name} ({acronym}) cites {identifier}.")


# --- guides ---
# A guide of PTB in the quantum photonics working area (TWA 2, coordinated by NIST's demo
# coordinator, who has no conflict with PTB). Version 1.0.0 is published, then superseded by
# 1.1.0. Title and notes are illustrative: no such guide has been agreed by these institutes.
GUIDE_TITLE = "Calibrating the detection efficiency of fibre-coupled single-photon detectors"
GUIDE_SUMMARY = (
    "Demo guide: illustrative, not a document the institutes named here have written. It shows "
    "how a guide is versioned on the portal: each version a PDF, reviewed by the coordinators "
    "of its working area, the latest published one superseding the one before."
)
GUIDE_VERSIONS = [
    ("1.0.0", "First version."),
    ("1.1.0", "Adds a section on the uncertainty of the attenuator calibration (demo text)."),
]


def seed_guides(stdout) -> None:
    """Create the demo guide and its two versions, unless it is there already."""
    if Guide.objects.filter(title=GUIDE_TITLE).exists():
        stdout.write("Outputs: the demo guide is there already.")
        return
    users = get_user_model().objects.in_bulk(
        [demo_email("editor.ptb"), demo_email("coordinator.nist")], field_name="email"
    )
    author, coordinator = users[demo_email("editor.ptb")], users[demo_email("coordinator.nist")]
    guide = services.guide_create(
        actor=author,
        title=GUIDE_TITLE,
        summary=GUIDE_SUMMARY,
        twa=TechnicalWorkingArea.objects.get(number=2),
        institutes=[Institute.objects.get(acronym="PTB")],
        technology_areas=TechnologyArea.objects.filter(slug="single-photon-detectors"),
    )
    for number, notes in GUIDE_VERSIONS:
        pdf = text_pdf([GUIDE_TITLE, f"Version {number}", "Demo document of the NMI-Q Portal."])
        version = services.guide_version_create(
            actor=author,
            guide=guide,
            file=ContentFile(pdf, name=f"detection-efficiency-{number}.pdf"),
            number=number,
            change_notes=notes,
        )
        version = services.guide_version_transition(
            actor=author, guide_version=version, action="submit"
        )
        services.guide_version_transition(
            actor=coordinator, guide_version=version, action="publish"
        )
    stdout.write(f"Outputs: the demo guide with {len(GUIDE_VERSIONS)} versions.")


# --- benchmarks ---
# metriq-gym's QML Kernel benchmark at 10 qubits, 1000 shots, on every device the Metriq data set
# ran it on: accuracy_score and its uncertainty as published in unitaryfoundation/metriq-data @
# 76b4640 (/work/shared/reference/data/metriq_gym_results_flat.csv, README.md section 4; one row
# each, copied verbatim). The results are Metriq's, not NPL's: NPL's demo account enters them to
# show how results are reviewed (TWA 1's NIST coordinator publishes them). Each keeps the source
# the Metriq import gives it, so importing the table later does not add them twice.
BENCHMARK = {
    "name": "QML Kernel accuracy (Metriq)",
    "metric": "accuracy_score",
    "unit": "dimensionless",
    "higher_is_better": True,
    "protocol": "metriq-gym QML Kernel benchmark, https://github.com/unitaryfoundation/metriq-gym",
    "description": "The accuracy of a quantum kernel classifier run on the device, as "
    "metriq-gym computes it. Demo results: Metriq's data set, 10 qubits, 1000 shots.",
    "metriq_job_type": "QML Kernel",
    "metriq_metric": "accuracy_score",
}
#: (record file, timestamp, provider, device, device qubits, accuracy_score, uncertainty,
#: metriq-gym version).
METRIQ_QML_10 = [
    (
        "2025-12-08_14-03-06_qml_kernel_c9708f78.json",
        "2025-12-08T14:03:06.361217",
        "ibm",
        "ibm_boston",
        156,
        0.866,
        0.010772372069326236,
        "0.4.1a1.dev16+g3c7e1971b.d20251109",
    ),
    (
        "2025-11-11_16-22-56_qml_kernel_3ff1a271.json",
        "2025-11-11T16:22:56.209826",
        "ibm",
        "ibm_fez",
        156,
        0.773,
        0.013246546719805883,
        "0.4.1a1.dev16+g3c7e1971b.d20251109",
    ),
    (
        "2025-11-11_16-31-42_qml_kernel_f073b641.json",
        "2025-11-11T16:31:42.124176",
        "ibm",
        "ibm_kingston",
        156,
        0.826,
        0.011988494484296184,
        "0.4.1a1.dev16+g3c7e1971b.d20251109",
    ),
    (
        "2025-11-11_16-26-39_qml_kernel_dec7abdd.json",
        "2025-11-11T16:26:39.977602",
        "ibm",
        "ibm_marrakesh",
        156,
        0.794,
        0.0127892142057282,
        "0.4.1a1.dev16+g3c7e1971b.d20251109",
    ),
    (
        "2025-11-11_16-34-33_qml_kernel_3f477d51.json",
        "2025-11-11T16:34:33.156759",
        "ibm",
        "ibm_pittsburgh",
        156,
        0.678,
        0.014775520295407536,
        "0.4.1a1.dev16+g3c7e1971b.d20251109",
    ),
    (
        "2025-11-11_16-36-30_qml_kernel_b43c61dc.json",
        "2025-11-11T16:36:30.857306",
        "ibm",
        "ibm_torino",
        133,
        0.758,
        0.013543854695026818,
        "0.4.1a1.dev16+g3c7e1971b.d20251109",
    ),
    (
        "2026-01-07_07-33-15_qml_kernel_a9139840.json",
        "2026-01-07T07:33:15.182395",
        "origin",
        "WK_C102-2",
        102,
        0.268,
        0.014006284303840188,
        "0.5.1a1.dev6+gea73bf450",
    ),
    (
        "2025-12-07_11-14-53_qml_kernel_06ae68c8.json",
        "2025-12-07T11:14:53.180967",
        "quantinuum",
        "H2-2",
        None,
        0.959,
        0.006270486424512857,
        "0.4.3.dev12+g1b4196a92",
    ),
    (
        "2026-02-24_13-24-38_qml_kernel_26c6266c.json",
        "2026-02-24T13:24:38.517663",
        "origin",
        "wukong_72",
        72,
        0.036,
        0.005891010100144117,
        "0.6.2.dev20+g245253d47",
    ),
    (
        "2026-07-24_09-50-26_qml_kernel_79a6539d.json",
        "2026-07-24T09:50:26.324169",
        "aws",
        "iqm_emerald",
        54,
        0.417,
        0.015592017188292218,
        "0.7.2.dev1+g22e9742d3.d20260723",
    ),
    (
        "2026-07-23_12-56-54_qml_kernel_292c9f5f.json",
        "2026-07-23T12:56:54.120630",
        "aws",
        "iqm_garnet",
        20,
        0.205,
        0.0127661662216971,
        "0.7.2.dev1+g22e9742d3.d20260723",
    ),
    (
        "2026-07-24_10-11-51_qml_kernel_b7b8505d.json",
        "2026-07-24T10:11:51.611267",
        "aws",
        "rigetti_cepheus-1-108q",
        107,
        0.001,
        0.0009994998749374609,
        "0.7.2.dev1+g22e9742d3.d20260723",
    ),
    (
        "2026-08-13_17-36-08_metriq_score_1_0_b84e1fec.json",
        "2026-08-13T17:36:08.942937",
        "ibm",
        "ibm_miami",
        120,
        0.741,
        0.013853483316480371,
        "0.7.2.dev15+g3b4c355",
    ),
]


def seed_benchmarks(stdout) -> None:
    """The Metriq QML Kernel benchmark and its thirteen published results (kept when there)."""
    if Benchmark.objects.filter(metriq_job_type="QML Kernel").exists():
        stdout.write("Outputs: the demo benchmark is there already.")
        return
    users = get_user_model().objects.in_bulk(
        [demo_email(part) for part in ("coordinator.nist", "admin.npl")], field_name="email"
    )
    coordinator, author = users[demo_email("coordinator.nist")], users[demo_email("admin.npl")]
    benchmark = services.benchmark_create(
        actor=coordinator,
        twa=TechnicalWorkingArea.objects.get(number=1),
        technology_area=TechnologyArea.objects.get(slug="computing"),
        **BENCHMARK,
    )
    npl = Institute.objects.get(acronym="NPL")
    for name, timestamp, provider, device, qubits, value, u, version in METRIQ_QML_10:
        result = services.benchmark_result_create(
            actor=author,
            benchmark=benchmark,
            institute=npl,
            source=f"metriq:{name}@{timestamp}#accuracy_score",
            provider=provider,
            device=device,
            qubit_count=qubits,
            value=value,
            uncertainty=u,
            measured_on=datetime.fromisoformat(timestamp).date(),
            conditions=[
                {"name": "width or qubits", "value": "10"},
                {"name": "shots", "value": "1000"},
            ],
            method=f"metriq-gym {version}",
        )
        result = services.benchmark_result_transition(actor=author, result=result, action="submit")
        services.benchmark_result_transition(actor=coordinator, result=result, action="publish")
    stdout.write(f"Outputs: the demo benchmark with {len(METRIQ_QML_10)} published results.")


# --- readiness ---
# Assessments on the standardisation readiness levels seeded with the taxonomy, their
# rationales paraphrasing the BIPM NMI-Q workshop report (March 2024; reference/
# bipm-nmiq-workshop-2024.md, the sections named). The standards are real documents (ETSI GS
# QKD 011 V1.1.1, 2016-05; ISO/IEC 23837-1:2023) as is the review (C. J. Chunnilall et al.,
# Optical Engineering 53(8), 081910, 2014); the assessments are illustrative, made by the demo
# coordinators (each published by a coordinator of another institute, or staff).
#: (area slug, TWA number, author, publisher, [(date, SRL, rationale, standards, DOIs)]).
ASSESSMENTS = [
    (
        "single-photon-detectors",
        2,
        "coordinator.nist",
        "staff",
        [
            (
                date(2024, 3, 20),
                2,
                "CCPR's discussion forum on single-photon terminology is harmonising a common "
                "language; its single-photon dictionary could start a terminology standard "
                "(workshop report, quantum photonics session).",
                [],
                [],
            ),
            (
                date(2026, 6, 1),
                4,
                "Detection efficiency of fibre-coupled detectors at 1550 nm is compared between "
                "NMIs and a good-practice guide on its calibration is published; ETSI GS QKD 011 "
                "describes the characterisation of QKD components.",
                ["ETSI GS QKD 011", "ISO/IEC 23837-1:2023"],
                ["10.1117/1.OE.53.8.081910"],
            ),
        ],
    ),
    (
        "benchmarking",
        1,
        "coordinator.nmij",
        "coordinator.nist",
        [
            (
                date(2026, 5, 12),
                2,
                "Application-oriented benchmarks are run and published (Metriq, MetriQs-France), "
                "but what a benchmark measures and how its uncertainty is stated are not agreed "
                "(workshop report, the MetriQs-France presentation).",
                [],
                [],
            ),
        ],
    ),
    (
        "quantum-processors",
        1,
        "coordinator.nist",
        "coordinator.nmij",
        [
            (
                date(2024, 3, 20),
                2,
                "Coherence times are reported as a maximum or a mean, with set-ups that differ "
                "from laboratory to laboratory (workshop report, metrology gaps for "
                "superconducting quantum devices).",
                [],
                [],
            ),
            (
                date(2026, 4, 2),
                2,
                "A round robin of one travelling qubit chip is under way; its protocol for T1 "
                "and T2 is agreed but no result is published yet.",
                [],
                [],
            ),
        ],
    ),
    (
        "clocks",
        3,
        "coordinator.nmij",
        "staff",
        [
            (
                date(2026, 2, 16),
                5,
                "Optical clocks are compared by co-location and over long distances ahead of "
                "the redefinition of the second; comparison practice is established (workshop "
                "report, collaboration needs).",
                [],
                [],
            ),
        ],
    ),
]


def seed_assessments(stdout) -> None:
    """The demo assessments, published (kept when any assessment exists)."""
    if ReadinessAssessment.objects.exists():
        stdout.write("Outputs: the demo assessments are there already.")
        return
    users = get_user_model().objects.in_bulk(
        [demo_email(part) for part in ("coordinator.nist", "coordinator.nmij", "staff")],
        field_name="email",
    )
    guide = GuideVersion.objects.filter(
        guide__title=GUIDE_TITLE, status=GuideVersionStatus.PUBLISHED
    ).first()
    count = 0
    for slug, twa_number, author, publisher, series in ASSESSMENTS:
        area = TechnologyArea.objects.get(slug=slug)
        twa = TechnicalWorkingArea.objects.get(number=twa_number)
        for assessed_on, level, rationale, standards, dois in series:
            assessment = services.assessment_create(
                actor=users[demo_email(author)],
                technology_area=area,
                twa=twa,
                level=ReadinessLevel.objects.get(scale__slug="srl", level=level),
                assessed_on=assessed_on,
                rationale=rationale,
                standards=standards,
                dois=dois,
                cites=[guide] if guide and slug == "single-photon-detectors" and dois else [],
            )
            for action, actor in (("submit", author), ("publish", publisher)):
                assessment = services.assessment_transition(
                    actor=users[demo_email(actor)], assessment=assessment, action=action
                )
            count += 1
    stdout.write(f"Outputs: {count} published readiness assessments.")


def seed(stdout) -> None:
    """Create the demo data of every kind of output (existing records are kept)."""
    _seed_glossary(stdout)
    _seed_comparisons(stdout)
    _cite_comparison(stdout)
    seed_guides(stdout)
    seed_benchmarks(stdout)
    seed_assessments(stdout)
