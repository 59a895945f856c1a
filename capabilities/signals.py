"""Reactions of the capabilities app to events elsewhere (allauth)."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from . import services


@receiver(email_confirmed, dispatch_uid="capabilities.announce_invitations")
def announce_invitations(sender, request, email_address, **kwargs):
    services.invitations_announce(user=email_address.user, email=email_address.email)
