"""``{{ when|datetime_tz }}``: a moment in the reader's language format, with its time zone."""

from django import template
from django.template.defaultfilters import date
from django.utils import timezone

register = template.Library()


@register.filter
def datetime_tz(value) -> str:
    """ "Dec. 3, 2026, 11:42 a.m. UTC" in English, "3 décembre 2026 11:42 UTC" in French: the
    locale's DATETIME_FORMAT in the current time zone, which it names."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{date(value, 'DATETIME_FORMAT')}\u00a0{date(value, 'T')}".strip()
