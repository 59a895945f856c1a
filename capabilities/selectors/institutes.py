"""Reads of institutes and their people: lists, members, invitations, counts."""

from django.db.models import Count, Q
from django_countries import countries

from ..enums import InvitationStatus
from ..models import Institute, Invitation, Membership, Service, Testbed


def institute_list(*, user):
    """Institutes ``user`` may see, with what list pages and the API show."""
    return Institute.objects.visible_to(user).order_by("acronym")


def economy_choices(*, user) -> list[tuple[str, str]]:
    """(code, name) of the economies that have an institute ``user`` may see, by name."""
    codes = (
        Institute.objects.visible_to(user).order_by().values_list("economy", flat=True).distinct()
    )
    return sorted(((code, str(countries.name(code))) for code in codes), key=lambda c: c[1])


def institute_members(*, institute: Institute):
    return (
        Membership.objects.filter(institute=institute)
        .select_related("user", "institute")
        .order_by("role", "user__name", "user__email")
    )


def institute_pending_invitations(*, institute: Institute):
    return (
        Invitation.objects.filter(institute=institute, status=InvitationStatus.PENDING)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def directory_counts() -> dict:
    """How many public institutes, NMIs/DIs, economies, testbeds and services the directory
    holds."""
    counts = Institute.objects.public().aggregate(
        institutes=Count("pk"),
        metrology_institutes=Count("pk", filter=~Q(rmo="")),
        economies=Count("economy", distinct=True),
    )
    counts["testbeds"] = Testbed.objects.public().count()
    counts["services"] = Service.objects.public().count()
    return counts


def memberships_of(*, user):
    """The institutes ``user`` belongs to, with their role."""
    return (
        Membership.objects.filter(user=user)
        .select_related("institute")
        .order_by("institute__acronym")
    )
