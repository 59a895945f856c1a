"""Who may do what with institutes, members and invitations (django-rules).

Code asks ``user.has_perm(perm, obj)`` and nothing else; templates only hide buttons with it.
"""

import rules
from allauth.account.models import EmailAddress

from .enums import MemberRole


def institute_roles(user) -> dict[int, str]:
    """{institute id: role} for ``user``, read once per user object (i.e. per request)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_institute_roles", None)
    if cached is None:
        cached = dict(user.memberships.values_list("institute_id", "role"))
        user._institute_roles = cached
    return cached


def forget_institute_roles(user) -> None:
    """Drop the cached roles after a membership of ``user`` changed."""
    if hasattr(user, "_institute_roles"):
        del user._institute_roles


@rules.predicate
def is_institute_member(user, institute) -> bool:
    return institute is not None and institute.pk in institute_roles(user)


@rules.predicate
def is_institute_admin(user, institute) -> bool:
    return institute is not None and institute_roles(user).get(institute.pk) == MemberRole.ADMIN


@rules.predicate
def is_public_institute(user, institute) -> bool:
    return institute is not None and institute.verified


@rules.predicate
def is_invitation_addressee(user, invitation) -> bool:
    """The invited address is one of ``user``'s verified e-mail addresses."""
    if not user.is_authenticated or invitation is None:
        return False
    return EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()


@rules.predicate
def invitation_institute_admin(user, invitation) -> bool:
    return invitation is not None and is_institute_admin(user, invitation.institute)


@rules.predicate
def membership_institute_admin(user, membership) -> bool:
    return membership is not None and is_institute_admin(user, membership.institute)


@rules.predicate
def is_own_membership(user, membership) -> bool:
    return membership is not None and membership.user_id == user.pk


is_staff = rules.is_staff

rules.add_perm("capabilities.view_institute", is_public_institute | is_institute_member | is_staff)
rules.add_perm("capabilities.view_members", is_institute_member | is_staff)
rules.add_perm("capabilities.manage_members", is_institute_admin | is_staff)
rules.add_perm("capabilities.revoke_invitation", invitation_institute_admin | is_staff)
rules.add_perm("capabilities.send_invitation", invitation_institute_admin | is_staff)
rules.add_perm("capabilities.answer_invitation", is_invitation_addressee)
rules.add_perm("capabilities.change_membership", membership_institute_admin | is_staff)
rules.add_perm(
    "capabilities.delete_membership", membership_institute_admin | is_own_membership | is_staff
)
rules.add_perm("capabilities.verify_institute", is_staff)
rules.add_perm("capabilities.add_institute", is_staff)
rules.add_perm("capabilities.change_searchsynonym", is_staff)
rules.add_perm("capabilities.delete_institute", is_staff)
rules.add_perm("capabilities.register_institute", rules.is_authenticated)
rules.add_perm("capabilities.change_institute", is_institute_admin | is_staff)


@rules.predicate
def is_record_member(user, record) -> bool:
    """``user`` belongs to the institute that keeps ``record`` (testbed, service, contact,
    access request or import)."""
    return record is not None and record.institute_id in institute_roles(user)


@rules.predicate
def is_requester(user, access_request) -> bool:
    return access_request is not None and access_request.requester_id == user.pk


@rules.predicate
def is_own_saved_search(user, saved_search) -> bool:
    return saved_search is not None and saved_search.user_id == user.pk


# Testbeds, services and contacts: any member (editor or admin) of the institute keeps them.
for _model in ("testbed", "service", "contact"):
    rules.add_perm(f"capabilities.add_{_model}", is_institute_member | is_staff)
    rules.add_perm(f"capabilities.change_{_model}", is_record_member | is_staff)
    rules.add_perm(f"capabilities.view_{_model}_history", is_record_member | is_staff)
rules.add_perm("capabilities.view_institute_history", is_institute_member | is_staff)
rules.add_perm("capabilities.import_records", is_institute_member | is_staff)
rules.add_perm("capabilities.view_import", is_record_member | is_staff)
# Nobody asks their own institute for access: they are among those who answer.
rules.add_perm("capabilities.request_access", rules.is_authenticated & ~is_record_member)
rules.add_perm("capabilities.view_access_request", is_requester | is_record_member | is_staff)
rules.add_perm("capabilities.answer_access_request", is_record_member | is_staff)
rules.add_perm("capabilities.withdraw_access_request", is_requester)
# The thread of a request: its requester and the institute write there, nobody else.
rules.add_perm("capabilities.comment_access_request", is_requester | is_record_member | is_staff)
rules.add_perm("capabilities.add_saved_search", rules.is_authenticated)
rules.add_perm("capabilities.change_saved_search", is_own_saved_search)
for _model in ("testbed", "service", "contact"):
    rules.add_perm(f"capabilities.delete_{_model}", is_record_member | is_staff)


@rules.predicate
def belongs_to_an_institute(user) -> bool:
    return bool(institute_roles(user))


# The core asks where a person lands after signing in; an institute's member starts at the
# "my work" page, where their institutes' drafts, requests and imports wait.
rules.add_perm("accounts.start_at_my_work", belongs_to_an_institute)
