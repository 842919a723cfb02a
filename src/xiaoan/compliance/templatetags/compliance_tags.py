from django import template
from django.utils.translation import gettext_lazy as _

from ..models import STATUS_COLOURS

register = template.Library()

PERIOD_KINDS = {
    "month": _("每月"),
    "quarter": _("每季度"),
    "semester": _("每学期"),
    "year": _("每年"),
    "rolling": _("滚动时段"),
}


@register.filter
def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "secondary")  # type: ignore[call-overload]


@register.filter
def period_kind_label(kind: str) -> str:
    return str(PERIOD_KINDS.get(kind, kind))
