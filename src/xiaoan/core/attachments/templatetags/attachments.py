from django import template

from ..panel import panel_context

register = template.Library()


@register.inclusion_tag("attachments/_panel_body.html", takes_context=True)
def attachments_panel(context, owner, can_change=False):
    """``{% attachments_panel owner can_change %}``: the owner's files, and an upload form if allowed."""
    request = context.get("request")
    next_url = request.get_full_path() if request is not None else ""
    return {**panel_context(owner, can_change=can_change, next_url=next_url), "request": request}
