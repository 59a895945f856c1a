"""Factories shared by every test module (people, institutes and what they list)."""

import datetime

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from capabilities import services
from capabilities.enums import InstituteKind, MemberRole, ServiceKind
from capabilities.models import (
    Contact,
    Institute,
    Membership,
    ReadinessLevel,
    Service,
    TechnologyArea,
    Testbed,
)
from nmiq_portal.workflow.registry import workflow_for
from outputs import services as output_services
from outputs.enums import AssessmentStatus, ResultStatus, TermStatus
from outputs.models import ReadinessAssessment, Term

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """A verified primary address, as allauth keeps it (pass verified=False to skip)."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if create:
            user.save()


class StaffFactory(UserFactory):
    is_staff = True


class InstituteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institute

    acronym = factory.Sequence(lambda n: f"NMI{n}")
    slug = factory.LazyAttribute(lambda o: o.acronym.lower())
    name = factory.LazyAttribute(lambda o: f"National Metrology Institute {o.acronym}")
    kind = InstituteKind.NMI
    economy = "DE"
    rmo = "EURAMET"
    verified = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    institute = factory.SubFactory(InstituteFactory)
    role = MemberRole.EDITOR


class _RecordFactory(factory.django.DjangoModelFactory):
    """Saves through the services (so slugs, base units and the search index are right), as a
    member of the institute; published unless ``published=False``."""

    institute = factory.SubFactory(InstituteFactory)
    published = True

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, institute, published=True, **kwargs):
        editor = UserFactory()
        Membership.objects.create(user=editor, institute=institute, role=MemberRole.EDITOR)
        record = services.record_create(
            actor=editor, model=model_class, institute=institute, **kwargs
        )
        if published:
            record = services.record_publish(actor=editor, record=record)
        editor.memberships.all().delete()
        return record


class ContactFactory(_RecordFactory):
    class Meta:
        model = Contact

    name = factory.Faker("name")
    function = "Head of quantum metrology"
    email = factory.Sequence(lambda n: f"contact{n}@nmi.example.org")


class TestbedFactory(_RecordFactory):
    __test__ = False  # not a test class, whatever pytest thinks of its name

    class Meta:
        model = Testbed

    name = factory.Sequence(lambda n: f"Testbed {n}")
    summary = "Characterises devices at millikelvin temperatures."


class ServiceFactory(_RecordFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n}")
    kind = ServiceKind.CALIBRATION


# --- glossary ---


class TermFactory(factory.django.DjangoModelFactory):
    """A term proposed through the service by a member of ``institute`` (or ``proposer``), then
    moved by the engine to ``state`` by ``decider`` (new staff by default); a superseded term
    gets an agreed successor."""

    class Meta:
        model = Term

    institute = factory.SubFactory(InstituteFactory)
    term = factory.Sequence(lambda n: f"quantum term {n}")
    definition = "quantity intended to be measured"
    source = "JCGM 200:2012 (VIM 3)"
    clause = factory.Sequence(lambda n: f"9.{n}")

    @classmethod
    def _create(
        cls, model_class, *args, institute, proposer=None, decider=None, state=None, **fields
    ):
        if proposer is None:
            proposer = UserFactory()
            Membership.objects.create(user=proposer, institute=institute, role=MemberRole.EDITOR)
        term = output_services.term_propose(actor=proposer, institute=institute, **fields)
        return term_moved_to(term, state or TermStatus.PROPOSED, decider=decider)


def term_moved_to(term, state, *, decider=None):
    """``term`` moved along the shortest path of its table to ``state``."""
    for action in workflow_for(term).path(term.status, state):
        if action == "withdraw":
            term = output_services.term_transition(actor=term.proposed_by, term=term, action=action)
            continue
        decider = decider or StaffFactory()
        if action == "supersede":
            successor = TermFactory(state=TermStatus.AGREED, decider=decider)
            term = output_services.term_supersede(actor=decider, term=term, successor=successor)
        else:
            comment = "Not a quoted definition." if action == "reject" else ""
            term = output_services.term_transition(
                actor=decider, term=term, action=action, comment=comment
            )
    return term


# --- guides ---


def guide_pdf_upload(*lines, name="guide.pdf"):
    """A real one-page PDF, as a browser would upload it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from outputs.pdf import text_pdf

    return SimpleUploadedFile(
        name, text_pdf(list(lines) or ["A good-practice guide"]), content_type="application/pdf"
    )


class GuideFactory(factory.django.DjangoModelFactory):
    """A guide made by ``guide_create`` as ``author`` (by default a new editor of ``institute``,
    its one authoring institute)."""

    class Meta:
        model = "outputs.Guide"

    title = factory.Sequence(lambda n: f"Calibrating single-photon detectors {n}")
    summary = "How to calibrate the detection efficiency of a single-photon detector."
    twa = factory.SubFactory("tests.collaborations.factories.TechnicalWorkingAreaFactory")
    institute = factory.SubFactory(InstituteFactory)
    author = None

    @classmethod
    def _create(cls, model_class, *, institute, author=None, **fields):
        from outputs.services import guide_create

        author = author or MembershipFactory(institute=institute).user
        guide = guide_create(actor=author, institutes=[institute], **fields)
        guide.author = author
        return guide


class GuideVersionFactory(factory.django.DjangoModelFactory):
    """A version uploaded by ``author`` (a new editor of the guide's first institute by
    default), then moved by the engine to ``state``: submitted by the author, decided by
    ``reviewer`` (a new staff member by default)."""

    class Meta:
        model = "outputs.GuideVersion"

    guide = factory.SubFactory(GuideFactory)
    number = factory.Sequence(lambda n: f"1.{n}.0")
    change_notes = "Clarifies the uncertainty budget."
    author = None
    reviewer = None
    state = "draft"

    @classmethod
    def _create(cls, model_class, *, guide, author=None, reviewer=None, state, **fields):
        from nmiq_portal import workflow
        from nmiq_portal.workflow.registry import workflow_for
        from outputs.enums import GuideVersionStatus
        from outputs.services import guide_version_create, guide_version_transition
        from outputs.workflows import PORTAL

        if author is None:
            author = MembershipFactory(institute=guide.institutes.order_by("pk").first()).user
        version = guide_version_create(
            actor=author, guide=guide, file=guide_pdf_upload(guide.title), **fields
        )
        reviewer = reviewer or StaffFactory()
        for action in workflow_for(model_class).path(GuideVersionStatus.DRAFT, state):
            if action == "supersede":
                # What publishing a later version does, without one.
                version = workflow.transition(version, action, actor=PORTAL)
            else:
                version = guide_version_transition(
                    actor=author if action == "submit" else reviewer,
                    guide_version=version,
                    action=action,
                    comment="For the test." if action in ("send_back", "withdraw") else "",
                )
        version.author, version.reviewer = author, reviewer
        guide.refresh_from_db(fields=["slug"])  # readable once a version is published
        version.guide = guide
        return version


class BenchmarkFactory(factory.django.DjangoModelFactory):
    """A benchmark defined by ``benchmark_create`` as a coordinator of its working area (a
    new coordinator of a new area by default)."""

    class Meta:
        model = "outputs.Benchmark"

    name = factory.Sequence(lambda n: f"Qubit T1 relaxation time {n}")
    metric = "T1 relaxation time"
    unit = "µs"
    higher_is_better = True
    protocol = "https://doi.org/10.1103/PhysRevApplied.10.034040"
    twa = None
    coordinator = None
    technology_area = factory.LazyFunction(lambda: TechnologyArea.objects.order_by("pk").first())

    @classmethod
    def _create(cls, model_class, *, twa=None, coordinator=None, **fields):
        from tests.collaborations.factories import TechnicalWorkingAreaFactory

        coordinator = coordinator or UserFactory()
        twa = twa or TechnicalWorkingAreaFactory(coordinators=[coordinator])
        if not twa.coordinators.filter(pk=coordinator.pk).exists():
            twa.coordinators.add(coordinator)
        benchmark = output_services.benchmark_create(actor=coordinator, twa=twa, **fields)
        benchmark.coordinator = coordinator
        return benchmark


class BenchmarkResultFactory(factory.django.DjangoModelFactory):
    """A result entered by ``author`` (a new editor of ``institute`` by default), then moved by
    the engine to ``state``: submitted by the author, decided by ``reviewer`` (the benchmark's
    coordinator by default)."""

    class Meta:
        model = "outputs.BenchmarkResult"

    benchmark = factory.SubFactory(BenchmarkFactory)
    institute = factory.SubFactory(InstituteFactory)
    provider = "ibm"
    device = factory.Sequence(lambda n: f"ibm_device_{n}")
    qubit_count = 156
    value = 120.0
    uncertainty = 4.0
    measured_on = factory.Sequence(lambda n: datetime.date(2025, 1, 1) + datetime.timedelta(n))
    method = "Inversion recovery"
    author = None
    reviewer = None
    state = "draft"

    @classmethod
    def _create(cls, model_class, *, benchmark, institute, author=None, reviewer=None, state, **f):
        author = author or MembershipFactory(institute=institute).user
        result = output_services.benchmark_result_create(
            actor=author, benchmark=benchmark, institute=institute, **f
        )
        reviewer = reviewer or getattr(benchmark, "coordinator", None) or StaffFactory()
        for action in workflow_for(model_class).path(ResultStatus.DRAFT, state):
            actor = author if action == "submit" else reviewer
            comment = "Because." if action in ("send_back", "withdraw") else ""
            result = output_services.benchmark_result_transition(
                actor=actor, result=result, action=action, comment=comment
            )
        result.author, result.reviewer = author, reviewer
        return result


# --- readiness ---


class AssessmentFactory(factory.django.DjangoModelFactory):
    """An assessment recorded through the service by ``author`` (by default a new member of a new
    institute), made a coordinator of ``twa`` (a new one by default), then moved by the engine to
    ``state``: submitted by its author, decided by ``reviewer`` (new staff by default)."""

    class Meta:
        model = ReadinessAssessment

    technology_area = factory.LazyFunction(
        lambda: TechnologyArea.objects.get(slug="single-photon-detectors")
    )
    level = factory.LazyFunction(lambda: ReadinessLevel.objects.get(scale__slug="srl", level=3))
    assessed_on = datetime.date(2026, 6, 1)
    rationale = "Detection efficiency at 1550 nm is compared between laboratories."

    @classmethod
    def _create(
        cls, model_class, *args, twa=None, author=None, reviewer=None, state=None, **fields
    ):
        from tests.collaborations.factories import TechnicalWorkingAreaFactory

        twa = twa or TechnicalWorkingAreaFactory()
        if author is None:
            author = MembershipFactory().user
        twa.coordinators.add(author)
        if hasattr(author, "_coordinated_twa_ids"):
            del author._coordinated_twa_ids  # read again: it coordinates ``twa`` now
        assessment = output_services.assessment_create(actor=author, twa=twa, **fields)
        return assessment_moved_to(assessment, state or AssessmentStatus.DRAFT, reviewer=reviewer)


def assessment_moved_to(assessment, state, *, reviewer=None):
    """``assessment`` moved along the shortest path of its table to ``state``."""
    for action in workflow_for(assessment).path(assessment.status, state):
        if action == "submit" or (action == "withdraw" and assessment.status != "published"):
            actor = assessment.author
        else:
            reviewer = reviewer or StaffFactory()
            actor = reviewer
        comment = "Not yet." if action in ("return", "withdraw") else ""
        assessment = output_services.assessment_transition(
            actor=actor, assessment=assessment, action=action, comment=comment
        )
    return assessment
