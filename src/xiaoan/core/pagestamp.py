"""Pages of the public endpoints rendered once per shape, with each request's few values stamped in.

A receipt page is the same letter for hundreds of thousands of guardians: only the token, the masked pupil name,
the school and class, and the confirmation time differ. Rendering the Django template for each request cost more
than the request's SQL (``python -m bench.profile``). ``PageStamp`` renders the template once per *shape* (a key
the caller builds from everything that is the same for many requests, e.g. the letter's content and the page's
state, plus the active language), with a marker in place of each per-request value, splits the result at the
markers and keeps the pieces; a request then only joins the pieces with its own values, HTML-escaped exactly as
the template's autoescaping would have.

Rules for callers: the shape key must contain everything the template reads apart from the slots (include the
content itself, not only an id: a content hash costs microseconds and cannot go stale); slot values are plain text
(formatted by the caller: a date filter in the template would see the marker, not the date). Markers are
private-use characters that escaping leaves alone and user text does not contain.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language

OPEN, CLOSE = "\ue000", "\ue001"
MARKER = re.compile(f"{OPEN}([A-Za-z0-9_]+){CLOSE}")


def slot(name: str) -> str:
    """The marker a template renders in place of the per-request value ``name``."""
    return f"{OPEN}{name}{CLOSE}"


class PageStamp:
    def __init__(self, template_name: str, *, maxsize: int = 512):
        self.template_name = template_name
        self.maxsize = maxsize
        self._pieces: OrderedDict[tuple[Hashable, str | None], list[str]] = OrderedDict()
        self._lock = threading.Lock()

    def render(self, shape: Hashable, context: Callable[[], Mapping[str, Any]], values: Mapping[str, Any]) -> str:
        """The page for ``values``; ``context()`` (called only when this shape is new) builds the template context,
        using ``slot(name)`` wherever a per-request value goes."""
        key = (shape, get_language())
        pieces = self._pieces.get(key)
        if pieces is None:
            pieces = MARKER.split(render_to_string(self.template_name, context()))
            with self._lock:
                self._pieces[key] = pieces
                while len(self._pieces) > self.maxsize:  # oldest shape first; shapes are few and long-lived
                    self._pieces.popitem(last=False)
        out = []
        for index, piece in enumerate(pieces):
            out.append(escape(values[piece]) if index % 2 else piece)
        return "".join(out)

    def clear(self) -> None:
        with self._lock:
            self._pieces.clear()
