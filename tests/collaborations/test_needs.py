"""Industry needs: who posts, edits and closes them, how they are matched to the directory's
testbeds and services, their answers, and who hears of them (never anyone who may not see)."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from capabilities.enums import InstituteKind, ServiceStatus, Visibility
from capabilities.models import TechnologyArea
from capabilities.units import parse_quantity
from collaborations import selectors, services
from collaborations.enums import AnswerKind, NeedStatus, NeedVisibility
from collaborations.models import IndustryNeed, NeedAnswer, Project
from nmiq_portal import workflow
from nmiq_portal.notifications.enums import Delivery
from nmiq_portal.notifications.models import Notification, OutgoingEmail
from nmiq_portal.notifications.services import digest_send_all
from nmiq_portal.workflow import events_for
from tests.collaborations.factories import (
    TechnicalWorkingAreaFactory,
    industry_member,
    member,
    need_posted,
)
from tests.factories import (
    InstituteFactory,
    ServiceFactory,
    StaffFactory,
    TestbedFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def area(slug):
    return TechnologyArea.objects.get(slug=slug)


def verbs(user):
    return list(Notification.objects.filter(recipient=user).values_list("verb", flat=True))


# --- Who posts --------------------------------------------------------------------------------


def _poster(role):
    """A person in ``role`` towards posting needs, with the institute they would post for."""
    consortium = InstituteFactory(kind=InstituteKind.INDUSTRY_CONSORTIUM, rmo="", economy="US")
    if role == "anonymous":
        return AnonymousUser(), consortium
    if role == "plain user":
        return UserFactory(), consortium
    if role == "NMI editor":
        return member(InstituteFactory()), consortium
    if role == "industry member, address unverified":
        return member(consortium, user=UserFactory(verified=False)), consortium
    if role == "industry member of an unverified consortium":
        unverified = InstituteFactory(
            kind=InstituteKind.INDUSTRY_CONSORTIUM, rmo="", economy="US", verified=False
        )
        return member(unverified), unverified
    if role == "member of another consortium":
        return industry_member(), consortium
    if role == "industry member":
        return member(consortium), consortium
    return StaffFactory(), consortium


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("plain user", False),
        ("NMI editor", False),
        ("industry member, address unverified", False),
        ("industry member of an unverified consortium", False),
        ("member of another consortium", False),
        ("industry member", True),
        ("staff", True),
    ],
)
def test_only_people_of_a_verified_consortium_with_a_verified_address_post_needs(role, allowed):
    actor, consortium = _poster(role)
    post = dict(
        actor=actor,
        institute=consortium,
        title="Dark counts of SNSPDs",
        description="At 1550 nm.",
        technology_area=area("single-photon-detectors"),
    )
    if allowed:
        need = services.need_create(**post)
        assert need.status == NeedStatus.OPEN
        assert [e.action for e in events_for(need)] == ["create"]
    else:
        with pytest.raises(PermissionDenied):
            services.need_create(**post)
        assert not IndustryNeed.objects.exists()


def test_a_range_in_a_unit_of_another_quantity_is_refused_by_its_field():
    with pytest.raises(ValidationError) as error:
        parse_quantity("5 K", "wavelength")
    assert "not a unit of wavelength" in str(error.value)


# --- Who edits, meets and closes ----------------------------------------------------------------


ROLES = ("anonymous", "plain user", "colleague of the poster", "NMI editor", "poster", "staff")


def _role(role, need):
    return {
        "anonymous": AnonymousUser(),
        "plain user": UserFactory(),
        "colleague of the poster": member(need.institute),
        "NMI editor": member(InstituteFactory()),
        "poster": need.posted_by,
        "staff": StaffFactory(),
    }[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["edit", "close", "mark_met"])
def test_only_the_poster_and_staff_edit_meet_or_close_a_need(role, action):
    need = need_posted()
    answer = services.need_answer_comment(
        actor=(nmi := member(InstituteFactory())),
        need=need,
        institute=nmi.memberships.get().institute,
        comment="We can do it.",
    )
    actor = _role(role, need)
    allowed = role in ("poster", "staff")
    calls = {
        "edit": lambda: services.need_update(
            actor=actor, need=need, version=need.version, title="Dark counts"
        ),
        "close": lambda: services.need_close(actor=actor, need=need, comment="Found one."),
        "mark_met": lambda: services.need_mark_met(actor=actor, need=need, answer=answer),
    }
    if allowed:
        calls[action]()
    else:
        with pytest.raises(PermissionDenied):
            calls[action]()
    need.refresh_from_db()
    moved = {"edit": NeedStatus.OPEN, "close": NeedStatus.CLOSED, "mark_met": NeedStatus.MET}
    assert need.status == (moved[action] if allowed else NeedStatus.OPEN)
    assert need.met_by_id == (answer.pk if allowed and action == "mark_met" else None)
    assert (need.title == "Dark counts") == (allowed and action == "edit")


def test_a_need_is_met_by_one_of_its_own_answers_and_not_without_any():
    need, other = need_posted(), need_posted()
    nmi = member(InstituteFactory())
    foreign = services.need_answer_comment(
        actor=nmi, need=other, institute=nmi.memberships.get().institute, comment="Yes."
    )
    with pytest.raises(ValidationError):
        services.need_mark_met(actor=need.posted_by, need=need, answer=foreign)
    with pytest.raises(ValidationError, match="has none yet"):
        workflow.transition(need, "mark_met", actor=need.posted_by)
    need.refresh_from_db()
    assert (need.status, need.met_by) == (NeedStatus.OPEN, None)


def test_a_closed_need_is_not_answered_nor_met_and_every_move_is_an_event():
    need = need_posted()
    nmi = member(InstituteFactory())
    institute = nmi.memberships.get().institute
    answer = services.need_answer_comment(
        actor=nmi, need=need, institute=institute, comment="We can."
    )
    need = services.need_close(actor=need.posted_by, need=need, comment="Not needed any more.")
    with pytest.raises(PermissionDenied):
        services.need_answer_comment(actor=nmi, need=need, institute=institute, comment="Again")
    with pytest.raises(ValidationError):
        services.need_mark_met(actor=need.posted_by, need=need, answer=answer)
    assert [(e.action, e.to_state) for e in events_for(need)] == [
        ("create", NeedStatus.OPEN),
        ("close", NeedStatus.CLOSED),
    ]
    assert [e.action for e in events_for(answer)] == ["post"]


# --- Matching -------------------------------------------------------------------------------------


@pytest.fixture
def directory():
    """Testbeds and services around 1550 nm, in the need's area or not."""
    detectors = area("single-photon-detectors")
    sources = area("single-photon-sources")

    def record(factory, name, low, high, areas=(detectors,), **fields):
        made = factory(name=name, wavelength_min_nm=low, wavelength_max_nm=high, **fields)
        made.technology_areas.set(areas)
        return made

    return {
        "edge": record(TestbedFactory, "Ends at 1550 nm", 710.0, 1550.0),
        "wide": record(ServiceFactory, "From 1 µm to 1.6 µm", 1000.0, 1600.0, lead_time="4 weeks"),
        "starts": record(TestbedFactory, "Starts at 1550 nm", 1550.0, 2000.0),
        "short": record(TestbedFactory, "Stops at 1549 nm", 400.0, 1549.0),
        "elsewhere": record(TestbedFactory, "Another area", 1000.0, 1600.0, areas=(sources,)),
        "members": record(
            TestbedFactory, "Members only", 1000.0, 1600.0, visibility=Visibility.MEMBERS
        ),
        "draft": record(TestbedFactory, "Unpublished", 1000.0, 1600.0, published=False),
        "suspended": record(
            ServiceFactory, "Suspended", 1000.0, 1600.0, status=ServiceStatus.SUSPENDED
        ),
    }


def names(suggestions):
    return [suggestion.record.name for suggestion in suggestions]


def test_a_need_at_1550_nm_typed_in_micrometres_matches_what_covers_it_edges_included(directory):
    wavelength = parse_quantity("1.55 µm", "wavelength")
    need = need_posted(wavelength_min_nm=wavelength, wavelength_max_nm=wavelength)
    found = selectors.need_suggestions(user=AnonymousUser(), need=need)
    assert sorted(names(found)) == sorted(
        ["Ends at 1550 nm", "From 1 µm to 1.6 µm", "Starts at 1550 nm", "Suspended"]
    )
    # Operational records that cover the need first, by name; a suspended service last.
    assert names(found)[-1] == "Suspended"
    wide = next(s for s in found if s.record.name == "From 1 µm to 1.6 µm")
    assert wide.reasons == ["covers 1550\u00a0nm", "lead time 4 weeks"]


def test_members_see_members_only_suggestions_and_a_range_overlapped_ranks_below_one_covered(
    directory,
):
    need = need_posted(wavelength_min_nm=1540.0, wavelength_max_nm=1600.0)
    viewer = member(InstituteFactory())
    found = selectors.need_suggestions(user=viewer, need=need)
    assert "Members only" in names(found)
    assert "Members only" not in names(selectors.need_suggestions(user=AnonymousUser(), need=need))
    edge = next(s for s in found if s.record.name == "Ends at 1550 nm")
    assert edge.reasons == [
        "overlaps 1540\u00a0nm \u2013 1600\u00a0nm (710\u00a0nm \u2013 1550\u00a0nm)"
    ]
    # Those covering 1540 to 1600 nm first (operational ones before), then those overlapping it.
    assert names(found)[:3] == ["From 1 µm to 1.6 µm", "Members only", "Suspended"]
    assert set(names(found)[3:]) == {"Ends at 1550 nm", "Starts at 1550 nm", "Stops at 1549 nm"}


def test_a_need_without_ranges_is_matched_by_its_area_alone(directory):
    need = need_posted(area="single-photon-sources")
    assert names(selectors.need_suggestions(user=AnonymousUser(), need=need)) == ["Another area"]


# --- Answers and proposals ----------------------------------------------------------------------


def test_an_nmi_editor_answers_with_a_testbed_and_the_poster_hears_of_it(directory):
    need = need_posted(wavelength_min_nm=1550.0, wavelength_max_nm=1550.0)
    testbed = directory["edge"]
    editor = member(testbed.institute)
    answer = services.need_answer_capability(actor=editor, need=need, record=testbed)
    assert (answer.kind, answer.testbed, answer.institute) == (
        AnswerKind.CAPABILITY,
        testbed,
        testbed.institute,
    )
    assert verbs(need.posted_by) == ["collaborations.need_answered"]
    assert verbs(editor) == []


def test_an_answer_points_to_a_record_of_ones_own_institute_that_the_poster_may_see(directory):
    need = need_posted()
    with pytest.raises(PermissionDenied):
        services.need_answer_capability(
            actor=member(InstituteFactory()), need=need, record=directory["edge"]
        )
    with pytest.raises(ValidationError):
        services.need_answer_capability(
            actor=member(directory["draft"].institute), need=need, record=directory["draft"]
        )
    with pytest.raises(PermissionDenied):
        services.need_answer_comment(
            actor=need.posted_by, need=need, institute=need.institute, comment="Ourselves"
        )
    assert not NeedAnswer.objects.exists()


def test_a_proposal_made_from_a_need_answers_it_prefilled_from_it():
    detectors = area("single-photon-detectors")
    photonics = TechnicalWorkingAreaFactory()
    photonics.technology_areas.set([detectors.parent or detectors])
    need = need_posted()
    initial = selectors.need_proposal_initial(need)
    assert initial["title"] == need.title
    assert initial["twa"] == photonics
    assert need.description in initial["objectives"]
    editor = member(InstituteFactory())
    project = services.need_propose_project(
        actor=editor,
        need=need,
        twa=initial["twa"],
        lead_institute=editor.memberships.get().institute,
        kind=initial["kind"],
        title=initial["title"],
        acronym=initial["acronym"],
        summary=initial["summary"],
        objectives=initial["objectives"],
    )
    assert project.need_answer.need == need
    assert project.need_answer.kind == AnswerKind.PROPOSAL
    assert verbs(need.posted_by) == ["collaborations.need_answered"]


def test_a_proposal_refused_for_the_need_leaves_no_draft_behind():
    need = need_posted()
    twa = TechnicalWorkingAreaFactory()
    colleague = member(need.institute)
    with pytest.raises(PermissionDenied):
        services.need_propose_project(
            actor=colleague,
            need=need,
            twa=twa,
            lead_institute=need.institute,
            kind="research",
            title="Ours",
            acronym="OURS",
            summary="…",
        )
    assert not Project.objects.exists()


# --- Subscriptions and reminders ----------------------------------------------------------------


def test_subscribers_hear_of_new_needs_below_their_area_and_members_only_ones_if_members():
    detectors = area("single-photon-detectors")
    parent = detectors.parent or detectors
    testbed = TestbedFactory()
    testbed.technology_areas.set([detectors])
    listed = member(testbed.institute)
    services.need_subscribe(actor=listed, technology_area=parent)
    # A member of an unverified institute may list (a draft) but is no NMI-Q member.
    unverified = InstituteFactory(verified=False)
    draft = TestbedFactory(institute=unverified)
    draft.technology_areas.set([detectors])
    outsider = member(unverified)
    services.need_subscribe(actor=outsider, technology_area=detectors)
    with pytest.raises(PermissionDenied):
        services.need_subscribe(actor=member(InstituteFactory()), technology_area=detectors)

    need_posted()
    need_posted(visibility=NeedVisibility.MEMBERS)
    assert verbs(listed) == ["collaborations.need_posted"] * 2
    assert verbs(outsider) == ["collaborations.need_posted"]
    # E-mailed at once (their preference), once: never the members-only need.
    assert OutgoingEmail.objects.filter(to=outsider.email).count() == 1
    assert OutgoingEmail.objects.filter(to=listed.email).count() == 2


def _subscriber(institute, delivery):
    """Someone of ``institute``, which lists a detectors testbed, subscribed to its area."""
    detectors = area("single-photon-detectors")
    TestbedFactory(institute=institute).technology_areas.set([detectors])
    person = member(institute, user=UserFactory(notification_delivery=delivery))
    services.need_subscribe(actor=person, technology_area=detectors)
    return person


@pytest.mark.parametrize(
    ("delivery", "immediate", "digested"),
    [(Delivery.IMMEDIATE, 1, 0), (Delivery.DAILY, 0, 1), (Delivery.OFF, 0, 0)],
)
def test_a_subscriber_hears_of_a_new_need_as_their_preference_says(delivery, immediate, digested):
    person = _subscriber(InstituteFactory(), delivery)
    need = need_posted()
    assert verbs(person) == ["collaborations.need_posted"]
    assert OutgoingEmail.objects.filter(to=person.email).count() == immediate
    digest_send_all()
    emails = OutgoingEmail.objects.filter(to=person.email)
    assert emails.count() == immediate + digested
    assert all(
        f"New industry need in Single-photon detectors: {need.title}"
        in (email.subject + email.body)
        for email in emails
    )


def test_a_need_made_members_only_is_taken_from_what_non_members_were_told_of_it():
    """A non-member subscriber waiting for their digest, or for an e-mail still in the outbox,
    gets neither once the poster makes the need members-only; a member keeps theirs."""
    unverified = InstituteFactory(verified=False)
    digest_reader = _subscriber(unverified, Delivery.DAILY)
    emailed = _subscriber(unverified, Delivery.IMMEDIATE)
    nmi = _subscriber(InstituteFactory(), Delivery.DAILY)
    need = need_posted(title="Soon to be secret")
    assert OutgoingEmail.objects.filter(to=emailed.email).exists()
    services.need_update(
        actor=need.posted_by, need=need, version=need.version, visibility=NeedVisibility.MEMBERS
    )
    digest_send_all()
    for outsider in (digest_reader, emailed):
        assert verbs(outsider) == []
        assert not OutgoingEmail.objects.filter(to=outsider.email).exists()
    assert "Soon to be secret" not in str(
        list(OutgoingEmail.objects.exclude(to=nmi.email).values_list("subject", "body"))
    )
    (digest,) = OutgoingEmail.objects.filter(to=nmi.email)
    assert "Soon to be secret" in digest.body


REMINDED_AFTER = datetime.timedelta(days=30)
START = datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC)


def test_needs_unanswered_after_the_set_days_are_reminded_once_to_their_areas_coordinators(
    settings,
):
    settings.NEEDS_REMINDER_DAYS = 30
    detectors = area("single-photon-detectors")
    coordinator, elsewhere = UserFactory(), UserFactory()
    TechnicalWorkingAreaFactory(coordinators=[coordinator]).technology_areas.set(
        [detectors.parent or detectors]
    )
    TechnicalWorkingAreaFactory(coordinators=[elsewhere]).technology_areas.set(
        [area("single-photon-sources")]
    )
    with time_machine.travel(START, tick=False) as clock:
        unanswered = need_posted()
        answered = need_posted()
        nmi = member(InstituteFactory())
        services.need_answer_comment(
            actor=nmi, need=answered, institute=nmi.memberships.get().institute, comment="Yes"
        )
        clock.shift(REMINDED_AFTER - datetime.timedelta(minutes=1))
        assert services.need_remind_all() == 0
        clock.shift(datetime.timedelta(minutes=2))
        assert services.need_remind_all() == 1
        assert services.need_remind_all() == 0
    reminders = Notification.objects.filter(verb="collaborations.need_unanswered")
    assert [(n.recipient, n.target) for n in reminders] == [(coordinator, unanswered)]


def test_a_members_only_need_is_never_reminded_to_a_coordinator_who_is_no_member(settings):
    settings.NEEDS_REMINDER_DAYS = 30
    outsider = UserFactory()
    TechnicalWorkingAreaFactory(coordinators=[outsider]).technology_areas.set(
        [area("single-photon-detectors")]
    )
    with time_machine.travel(START, tick=False) as clock:
        need_posted(visibility=NeedVisibility.MEMBERS)
        clock.shift(REMINDED_AFTER + datetime.timedelta(days=1))
        services.need_remind_all()
    assert verbs(outsider) == []


def test_the_open_public_needs_are_what_the_landscape_counts():
    open_public = need_posted()
    need_posted(visibility=NeedVisibility.MEMBERS)
    closed = need_posted()
    services.need_close(actor=closed.posted_by, need=closed)
    assert list(IndustryNeed.objects.public()) == [open_public]
