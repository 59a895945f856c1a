"""allauth hooks: its e-mails go through the outbox; sign-up records name and language."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils import translation

from nmiq_portal.notifications.services import email_enqueue


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Render as allauth does, then queue: a broker outage delays the mail, never loses it."""
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        message = self.render_mail(template_prefix, email, context)
        html_body = next(
            (
                body
                for body, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        email_enqueue(to=email, subject=message.subject, body=message.body, html_body=html_body)

    def get_login_redirect_url(self, request):
        """Where sign-in leads when no ``next`` says: an institute's member (as the apps'
        ``accounts.start_at_my_work`` rule decides) to their "my work" page."""
        if request.user.has_perm("accounts.start_at_my_work"):
            return reverse("my_work")
        return super().get_login_redirect_url(request)

    def save_user(self, request, user, form, commit=True):
        user.name = form.cleaned_data.get("name", "")
        user.language = translation.get_language() or user.language
        return super().save_user(request, user, form, commit=commit)
