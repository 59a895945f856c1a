"""The outputs models, one module per kind; the names callers import."""

from .benchmarks import Benchmark, BenchmarkResult, ResultImport
from .comparisons import Comparison, ComparisonResult
from .glossary import Term
from .guides import Guide, GuideVersion
from .readiness import AssessmentCitation, ReadinessAssessment
