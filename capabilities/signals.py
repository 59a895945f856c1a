"""Reactions of the capabilities app to events elsewhere (allauth) and to its records' saves."""

from allauth.account.signals import email_confirmed
from django.contrib import messages
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from nmiq_portal.changes import recorded
from nmiq_portal.core.queue import enqueue_on_commit
from nmiq_portal.core.warmup import warming

from . import services, tasks, units
from .models import Institute, Service, Testbed
from .selectors.facets import forget_counts


@receiver(email_confirmed, dispatch_uid="capabilities.announce_invitations")
def announce_invitations(sender, request, email_address, **kwargs):
    services.invitations_announce(user=email_address.user, email=email_address.email)


@receiver(email_confirmed, dispatch_uid="capabilities.release_held_access_requests")
def release_held_access_requests(sender, request, email_address, **kwargs):
    """The requests sent with the account go to their institutes once its address is
    confirmed; the person reads which went and which could not."""
    sent, refused = services.access_requests_release(user=email_address.user)
    if request is None:
        return
    for access_request in sent:
        messages.success(
            request,
            _("Your request was sent to %(institute)s. You will be notified when they answer.")
            % {"institute": access_request.institute.acronym},
        )
    for refusal in refused:
        messages.warning(request, refusal)


def _words_changed(sender, **kwargs):
    # Any save may publish, hide or reword a record: the suggestions' words follow.
    enqueue_on_commit(tasks.refresh_search_words)


for model in (Institute, Testbed, Service):
    post_save.connect(_words_changed, sender=model, dispatch_uid=f"words-{model.__name__}")
    post_delete.connect(_words_changed, sender=model, dispatch_uid=f"words-del-{model.__name__}")


@receiver(recorded, dispatch_uid="capabilities.forget_counts")
def forget_kept_counts(sender, **kwargs):
    # Every save of a record, its institute, areas or evidence, and of what outputs they cite,
    # passes through the change feed, members-only and draft ones too.
    forget_counts()


@receiver(warming, dispatch_uid="capabilities.build_unit_registry")
def build_unit_registry(sender, **kwargs):
    # Built on the first range a search reads otherwise: a web worker builds it at start.
    units.registry()
