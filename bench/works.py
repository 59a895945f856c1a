"""Projects and outputs of the bench: working areas, projects, comparisons, benchmark results,
guides and glossary terms (used by generate.py)."""

import hashlib
from datetime import timedelta

from django.db import connection

from bench import bulk
from bench.marks import SLUG_PREFIX, TWA_FIRST_NUMBER
from capabilities.models import TechnologyArea
from collaborations.enums import ProjectKind, ProjectStatus
from collaborations.models import Project, TechnicalWorkingArea
from outputs.enums import (
    ComparisonStatus,
    GuideVersionStatus,
    ResultStatus,
    TermStatus,
    UncertaintyKind,
)
from outputs.models import (
    Benchmark,
    BenchmarkResult,
    Comparison,
    ComparisonResult,
    Guide,
    GuideVersion,
    Term,
)
from outputs.services.glossary import letter_of

# --- Projects and outputs -----------------------------------------------------------------------
#
TWA_TITLES = [
    ("quantum-computing", "Quantum computing benchmarks"),
    ("single-photons", "Single-photon sources and detectors"),
    ("quantum-electrical", "Quantum electrical standards"),
    ("time-frequency", "Time, frequency and clocks"),
    ("quantum-sensing", "Quantum sensing and imaging"),
]
TERM_WORDS = [
    ("qubit", "The basic unit of quantum information"),
    ("coherence time", "Time over which a quantum state keeps its phase relation"),
    ("detection efficiency", "Probability that an incident photon is registered"),
    ("dark count rate", "Rate of detector events without incident photons"),
    ("gate fidelity", "Overlap of the implemented and the ideal quantum operation"),
    ("measurement uncertainty", "Non-negative parameter characterising the dispersion of values"),
    ("calibration", "Operation relating indications to quantity values of measurement standards"),
    ("traceability", "Property of a result related to a reference through a documented chain"),
]


def build_outputs(rng, institutes, users, now) -> dict:
    """Working areas, a project per institute, and the outputs made in them: guides with a
    published version, benchmark results, comparisons with results, glossary terms."""
    areas = list(TechnologyArea.objects.values_list("pk", flat=True))
    twas = bulk.copy(
        TechnicalWorkingArea,
        [
            TechnicalWorkingArea(
                number=TWA_FIRST_NUMBER + number,
                slug=f"{SLUG_PREFIX}-{slug}",
                title=f"{title} (bench)",
                scope=f"Bench working area on {title.lower()}.",
            )
            for number, (slug, title) in enumerate(TWA_TITLES)
        ],
    )
    comparisons_every = 10
    projects = bulk.copy(
        Project,
        [
            Project(
                slug=f"{SLUG_PREFIX}-p{number}",
                twa=twas[number % len(twas)],
                kind=ProjectKind.COMPARISON
                if number % comparisons_every == 0
                else rng.choice([ProjectKind.RESEARCH, ProjectKind.TESTBED, ProjectKind.TRAINING]),
                title=f"{institute.acronym} joint project {number}",
                acronym=f"BP{number}",
                summary=f"A bench project led by {institute.name}.",
                objectives="Compare, characterise and document.",
                lead_institute=institute,
                proposer=rng.choice(users),
                status=rng.choice([ProjectStatus.ACTIVE, ProjectStatus.COMPLETED]),
                start_date=(now - timedelta(days=rng.randrange(30, 900))).date(),
                submitted_at=now - timedelta(days=900),
                decided_at=now - timedelta(days=880),
                created_at=now - timedelta(days=rng.randrange(900, 1000)),
                updated_at=now - timedelta(days=rng.randrange(0, 30)),
            )
            for number, institute in enumerate(institutes)
        ],
    )
    comparisons = bulk.copy(
        Comparison,
        [
            Comparison(
                slug=f"{SLUG_PREFIX}-c{project.pk}",
                project=project,
                identifier=f"BENCH.EM-K{project.pk}",
                measurand="DC voltage of a Josephson array",
                unit="nV",
                method="weighted_mean",
                reference_value=0.0,
                reference_uncertainty=0.5,
                coverage_factor=2.0,
                description="A bench comparison.",
                status=ComparisonStatus.PUBLISHED,
                published_at=now - timedelta(days=rng.randrange(0, 300)),
            )
            for project in projects
            if project.kind == ProjectKind.COMPARISON
        ],
    )
    bulk.copy(
        ComparisonResult,
        [
            ComparisonResult(
                comparison=comparison,
                institute=rng.choice(institutes),
                position=position,
                value=rng.gauss(0, 0.4),
                uncertainty_kind=UncertaintyKind.EXPANDED,
                uncertainty=rng.uniform(0.2, 1.0),
                coverage_factor=2.0,
                method="Direct comparison",
                included=True,
            )
            for comparison in comparisons
            for position in range(1, 9)
        ],
    )
    benchmarks = bulk.copy(
        Benchmark,
        [
            Benchmark(
                slug=f"{SLUG_PREFIX}-b{number}",
                name=f"Bench benchmark {number}",
                metric="accuracy_score",
                unit="dimensionless",
                technology_area_id=rng.choice(areas),
                twa=twas[number % len(twas)],
                protocol="metriq-gym QML Kernel",
            )
            for number in range(len(twas))
        ],
    )
    results = bulk.copy(
        BenchmarkResult,
        [
            BenchmarkResult(
                benchmark=rng.choice(benchmarks),
                institute=institute,
                provider="ibm",
                device=f"bench_device_{rng.randrange(20)}",
                qubit_count=rng.choice([27, 127, 156]),
                value=(value := round(rng.uniform(0.6, 0.9), 3)),
                value_as_given=str(value),
                uncertainty_kind=UncertaintyKind.STANDARD,
                uncertainty=0.01,
                standard_uncertainty=0.01,
                measured_on=(now - timedelta(days=rng.randrange(0, 600))).date(),
                status=ResultStatus.PUBLISHED,
                submitted_at=now - timedelta(days=10),
                published_at=now - timedelta(days=5),
                created_by=rng.choice(users),
            )
            for institute in institutes
            for _ in range(2)
        ],
    )
    guides = bulk.copy(
        Guide,
        [
            Guide(
                slug=f"{SLUG_PREFIX}-g{number}",
                title=f"Good practice guide {number}: {rng.choice(TWA_TITLES)[1].lower()}",
                summary="How to measure it, and how to state its uncertainty.",
                twa=twas[number % len(twas)],
                created_by=rng.choice(users),
            )
            for number in range(max(len(institutes) // 5, 1))
        ],
    )
    bulk.copy_rows(
        Guide.institutes.through._meta.db_table,
        ["guide_id", "institute_id"],
        ((guide.pk, rng.choice(institutes).pk) for guide in guides),
    )
    bulk.copy(
        GuideVersion,
        [
            GuideVersion(
                guide=guide,
                number="1.0.0",
                major=1,
                file=f"guides/bench-{guide.pk}.pdf",
                original_name=f"guide-{guide.pk}.pdf",
                size=120_000,
                sha256=hashlib.sha256(str(guide.pk).encode()).hexdigest(),
                page_count=12,
                change_notes="First edition.",
                status=GuideVersionStatus.PUBLISHED,
                submitted_at=now - timedelta(days=20),
                published_at=now - timedelta(days=10),
            )
            for guide in guides
        ],
    )
    terms = []
    for number, institute in enumerate(institutes):
        word, definition = TERM_WORDS[number % len(TERM_WORDS)]
        text = f"{word} {number}"
        terms.append(
            Term(
                slug=f"{SLUG_PREFIX}-{text.replace(' ', '-')}",
                term=text,
                letter=letter_of(text),
                definition=f"{definition} (bench term {number}).",
                source="NMI-Q",
                twa=twas[number % len(twas)],
                proposed_by=rng.choice(users),
                proposed_by_institute=institute,
                status=TermStatus.AGREED,
                agreed_at=now - timedelta(days=rng.randrange(0, 300)),
                decided_at=now - timedelta(days=rng.randrange(0, 300)),
            )
        )
    bulk.copy(Term, terms)
    with connection.cursor() as cursor:
        cursor.execute(
            "update outputs_term set search_vector = "
            "setweight(to_tsvector('english', nmiq_unaccent(term || ' ' || abbreviation || ' ' "
            "|| array_to_string(synonyms, ' '))), 'A') || "
            "setweight(to_tsvector('english', nmiq_unaccent(definition)), 'B') || "
            "setweight(to_tsvector('english', nmiq_unaccent(note || ' ' || source)), 'C') "
            "where slug like %s",
            [f"{SLUG_PREFIX}-%"],
        )
    return {
        "projects": len(projects),
        "comparisons": len(comparisons),
        "benchmark results": len(results),
        "guides": len(guides),
        "terms": len(terms),
    }
