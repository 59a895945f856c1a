"""``{{ text|markdown }}``: render a description written in Markdown, sanitised."""

from django import template
from django.utils.safestring import mark_safe

from nmiq_portal.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text))  # noqa: S308 - nh3 has sanitised it
