"""The state tables of the outputs' reviewed models, one block per kind; the engine runs them."""

from django.utils.translation import gettext_lazy as _

from collaborations.enums import PUBLIC_PROJECT_STATUSES
from nmiq_portal.workflow.registry import NEW, Transition, Workflow, register

from . import notifications
from .enums import AssessmentStatus, ComparisonStatus, ResultStatus, TermStatus
from .enums import GuideVersionStatus as GV
from .models import BenchmarkResult, Comparison, GuideVersion, ReadinessAssessment, Term

# --- glossary ---


def has_successor(term, actor):
    """A superseded term names the agreed term that replaces it."""
    successor = term.superseded_by
    if successor is None or successor.pk == term.pk or successor.status != TermStatus.AGREED:
        return _("Name the agreed term that supersedes this one.")
    return None


TERM = register(
    Workflow(
        name="outputs.term",
        model=Term,
        notify=notifications.term_moved,
        transitions=[
            Transition("create", (NEW,), TermStatus.PROPOSED, "outputs.add_term", _("Propose")),
            Transition(
                "agree",
                (TermStatus.PROPOSED,),
                TermStatus.AGREED,
                "outputs.review_term",
                _("Agree"),
                stamp="agreed_at",
            ),
            Transition(
                "reject",
                (TermStatus.PROPOSED,),
                TermStatus.REJECTED,
                "outputs.review_term",
                _("Reject"),
                comment_required=True,
                stamp="decided_at",
            ),
            Transition(
                "withdraw",
                (TermStatus.PROPOSED,),
                TermStatus.WITHDRAWN,
                "outputs.withdraw_term",
                _("Withdraw the proposal"),
            ),
            Transition(
                "supersede",
                (TermStatus.AGREED,),
                TermStatus.SUPERSEDED,
                "outputs.review_term",
                _("Mark as superseded"),
                guards=(has_successor,),
                stamp="decided_at",
            ),
        ],
    )
)


# --- comparisons ---


def comparison_project_public(comparison, actor):
    """A comparison is reviewed and published only within an approved (public) project."""
    if comparison.project.status not in PUBLIC_PROJECT_STATUSES:
        return _("The project %(project)s is not approved yet.") % {
            "project": comparison.project.acronym
        }
    return None


def comparison_computable(comparison, actor):
    """The reference value can be computed from the results (enough included, valid numbers)."""
    try:
        comparison.evaluation()
    except ValueError as error:
        return comparison.explain(error)
    return None


C = ComparisonStatus

COMPARISON = register(
    Workflow(
        name="outputs.comparison",
        model=Comparison,
        notify=notifications.comparison_moved,
        transitions=[
            Transition("create", (NEW,), C.DRAFT, "outputs.add_comparison", _("Save as draft")),
            Transition(
                "submit",
                (C.DRAFT,),
                C.IN_REVIEW,
                "outputs.submit_comparison",
                _("Submit for review"),
                guards=(comparison_project_public, comparison_computable),
            ),
            Transition(
                "publish",
                (C.IN_REVIEW,),
                C.PUBLISHED,
                "outputs.review_comparison",
                _("Publish"),
                guards=(comparison_project_public, comparison_computable),
                stamp="published_at",
            ),
            Transition(
                "send_back",
                (C.IN_REVIEW,),
                C.DRAFT,
                "outputs.review_comparison",
                _("Send back for changes"),
                comment_required=True,
            ),
            Transition(
                "withdraw",
                (C.PUBLISHED,),
                C.WITHDRAWN,
                "outputs.withdraw_comparison",
                _("Withdraw the results"),
                comment_required=True,
            ),
        ],
    )
)


# --- guides ---


class _Portal:
    """The portal itself, as the actor of the one move nobody makes by hand: superseding the
    published version when a later one is published. Its events have no actor."""

    is_active = True
    is_authenticated = False
    pk = None

    def has_perm(self, perm, obj=None) -> bool:
        return perm == "outputs.supersede_guide_version"

    def __str__(self):
        return "NMI-Q Portal"


PORTAL = _Portal()


def newer_than_published(version, actor):
    """A version is published only above the guide's published one (publishing supersedes it)."""
    current = (
        GuideVersion.objects.filter(guide_id=version.guide_id, status=GV.PUBLISHED)
        .exclude(pk=version.pk)
        .order_by("-major", "-minor", "-patch")
        .first()
    )
    if current is not None and current.key >= version.key:
        return _("Version %(current)s is published; only a later version supersedes it.") % {
            "current": current.number
        }
    return None


GUIDE_VERSION = register(
    Workflow(
        name="outputs.guide_version",
        model=GuideVersion,
        notify=notifications.guide_version_moved,
        transitions=[
            Transition("create", (NEW,), GV.DRAFT, "outputs.add_guide_version", _("Save as draft")),
            Transition(
                "submit",
                (GV.DRAFT,),
                GV.IN_REVIEW,
                "outputs.submit_guide_version",
                _("Submit for review"),
                stamp="submitted_at",
            ),
            Transition(
                "send_back",
                (GV.IN_REVIEW,),
                GV.DRAFT,
                "outputs.review_guide_version",
                _("Send back to the authors"),
                comment_required=True,
            ),
            Transition(
                "publish",
                (GV.IN_REVIEW,),
                GV.PUBLISHED,
                "outputs.review_guide_version",
                _("Publish"),
                guards=(newer_than_published,),
                stamp="published_at",
            ),
            # Run by the portal (PORTAL) when the publish service publishes a later version;
            # nobody has the permission, so it is never a button.
            Transition(
                "supersede",
                (GV.PUBLISHED,),
                GV.SUPERSEDED,
                "outputs.supersede_guide_version",
                _("Superseded by a later version"),
            ),
            Transition(
                "withdraw",
                (GV.PUBLISHED,),
                GV.WITHDRAWN,
                "outputs.withdraw_guide_version",
                _("Withdraw"),
                comment_required=True,
            ),
        ],
    )
)


# --- benchmarks ---

R = ResultStatus

BENCHMARK_RESULT = register(
    Workflow(
        name="outputs.benchmark_result",
        model=BenchmarkResult,
        notify=notifications.benchmark_result_moved,
        transitions=[
            Transition(
                "create", (NEW,), R.DRAFT, "outputs.add_benchmark_result", _("Save as draft")
            ),
            Transition(
                "submit",
                (R.DRAFT,),
                R.IN_REVIEW,
                "outputs.submit_benchmark_result",
                _("Submit for review"),
                stamp="submitted_at",
            ),
            Transition(
                "send_back",
                (R.IN_REVIEW,),
                R.DRAFT,
                "outputs.review_benchmark_result",
                _("Send back to the authors"),
                comment_required=True,
            ),
            Transition(
                "publish",
                (R.IN_REVIEW,),
                R.PUBLISHED,
                "outputs.review_benchmark_result",
                _("Publish"),
                stamp="published_at",
            ),
            Transition(
                "withdraw",
                (R.PUBLISHED,),
                R.WITHDRAWN,
                "outputs.withdraw_benchmark_result",
                _("Withdraw"),
                comment_required=True,
            ),
        ],
    )
)


# --- readiness ---

A = AssessmentStatus

READINESS_ASSESSMENT = register(
    Workflow(
        name="outputs.readiness_assessment",
        model=ReadinessAssessment,
        notify=notifications.assessment_moved,
        transitions=[
            Transition(
                "create", (NEW,), A.DRAFT, "outputs.add_readiness_assessment", _("Save as draft")
            ),
            Transition(
                "submit",
                (A.DRAFT, A.RETURNED),
                A.IN_REVIEW,
                "outputs.submit_readiness_assessment",
                _("Submit for review"),
                stamp="submitted_at",
            ),
            Transition(
                "publish",
                (A.IN_REVIEW,),
                A.PUBLISHED,
                "outputs.review_readiness_assessment",
                _("Publish"),
                stamp="published_at",
            ),
            Transition(
                "return",
                (A.IN_REVIEW,),
                A.RETURNED,
                "outputs.review_readiness_assessment",
                _("Return to the author"),
                comment_required=True,
            ),
            Transition(
                "withdraw",
                (A.DRAFT, A.IN_REVIEW, A.RETURNED, A.PUBLISHED),
                A.WITHDRAWN,
                "outputs.withdraw_readiness_assessment",
                _("Withdraw"),
                comment_required=True,
            ),
        ],
    )
)
