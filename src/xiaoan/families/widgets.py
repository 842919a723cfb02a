"""Home-page widget: the open letters reaching the reader, with the reader's receipt rate."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from xiaoan.core.registry import Widget

from . import selectors


def render_open_letters(request: Any) -> str | None:
    letters = [(letter, rate) for letter, rate in selectors.open_letters(request.user) if rate.owed]
    if not letters:
        return None
    return render_to_string("families/widgets/open_letters.html", {"letters": letters}, request=request)


WIDGETS = [
    Widget(
        key="families.open_letters",
        render=render_open_letters,
        permission="families.letter.view",
        order=40,
        shared=True,
    )
]
