"""Demo data of the outputs, reached through the services and the workflow engine; safe to run
again."""

from django.contrib.auth import get_user_model

from capabilities.demo import demo_email
from capabilities.models import Institute

# --- glossary ---
from .models import Term
from .services import term_propose, term_transition

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


def seed(stdout) -> None:
    """Create the demo data of every kind of output (existing records are kept)."""
    _seed_glossary(stdout)
