"""Pages of the parent-letter module: letters (``letters``), class receipts and documents (``receipts``),
home–school activities (``activities``) and the guardian's public receipt page (``public``)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from xiaoan.core.scoping import ensure_allowed

from ..models import Letter
from ..selectors import visible_letters


def letter_for(user: Any, pk: int) -> Letter:
    """A letter the user may see (written in their subtree, or reaching it): 404 otherwise, 403 for a role that
    may not see letters at all."""
    ensure_allowed(user, "families.letter.view")
    try:
        return visible_letters(user).get(pk=pk)
    except Letter.DoesNotExist:
        raise Http404 from None
