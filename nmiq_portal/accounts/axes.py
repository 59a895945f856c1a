"""Which account a sign-in attempt was for, as django-axes needs to lock it out."""


def attempted_email(request, credentials) -> str:
    """The address typed into allauth's form (``email``/``login``) or the admin's (``username``)."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None:
        value = request.POST.get("login") or request.POST.get("username")
    return (value or "").strip().lower()
