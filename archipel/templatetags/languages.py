"""The same page in another language: French at /…, English at /en/… (archipel.urls)."""

from django import template
from django.conf import settings
from django.utils.translation import get_language_from_path

register = template.Library()


@register.simple_tag(takes_context=True)
def page_in_language(context, language: str) -> str:
    """The current address (query string kept) in `language`: every page of the site has
    one address per language, the default one without a prefix."""
    request = context.get("request")
    if request is None:  # the page of a server error: its home page instead
        return "/" if language == settings.LANGUAGE_CODE else f"/{language}/"
    path = request.get_full_path()
    current = get_language_from_path(request.path_info)
    if current:
        path = path[len(current) + 1 :]
    return path if language == settings.LANGUAGE_CODE else f"/{language}{path}"
