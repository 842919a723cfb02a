"""Template helpers of the org pages: masked phone numbers and links to modules that may not be installed."""

from django import template
from django.urls import NoReverseMatch, reverse

from xiaoan.orgs.selectors import mask_phone as _mask_phone

register = template.Library()


@register.filter
def mask_phone(value: str) -> str:
    return _mask_phone(value)


@register.simple_tag
def optional_url(name: str, *args: object) -> str:
    """The URL, or "" when the module that serves it is not installed (the template then hides the link)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
