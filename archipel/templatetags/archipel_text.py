"""Citizens' text shown as plain text: escaped, paragraphs kept, links made clickable safely."""

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import urlize

register = template.Library()


@register.filter(is_safe=True)
def plain_text(value: str) -> str:
    # urlize escapes the text (autoescape=True) and adds rel="nofollow"; linebreaks
    # then wraps paragraphs without escaping what urlize already made safe.
    return linebreaks_filter(urlize(value or "", nofollow=True, autoescape=True), autoescape=False)
