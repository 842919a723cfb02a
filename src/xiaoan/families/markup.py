"""The letter body's safe subset: paragraphs, **bold**, and "- " / "1. " lists, from plain text.

Authors type plain text; nothing they type is ever rendered as HTML. The text is escaped first and only
the few marks above are turned into tags, so the result is safe to show on the public receipt page.
"""

from __future__ import annotations

import re

from django.utils.html import escape

BOLD_RE = re.compile(r"\*\*(.+?)\*\*")
BULLET_RE = re.compile(r"^\s*[-*•·]\s+(.*)$")
NUMBERED_RE = re.compile(r"^\s*\d{1,3}[.、)）]\s*(.*)$")


def _inline(text: str) -> str:
    return BOLD_RE.sub(r"<strong>\1</strong>", escape(text.strip()))


def render_body(text: str) -> str:
    """Plain text with the light marks → HTML of <p>, <strong>, <ul>/<ol> and <li> only."""
    html: list[str] = []
    paragraph: list[str] = []
    list_tag: str | None = None

    def close_paragraph() -> None:
        if paragraph:
            html.append("<p>" + "<br>".join(_inline(line) for line in paragraph) + "</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal list_tag
        if list_tag:
            html.append(f"</{list_tag}>")
            list_tag = None

    for line in (text or "").replace("\r\n", "\n").split("\n"):
        bullet, numbered = BULLET_RE.match(line), NUMBERED_RE.match(line)
        item = bullet or numbered
        if item:
            close_paragraph()
            wanted = "ul" if bullet else "ol"
            if list_tag != wanted:
                close_list()
                html.append(f"<{wanted}>")
                list_tag = wanted
            html.append(f"<li>{_inline(item.group(1))}</li>")
        elif not line.strip():
            close_paragraph()
            close_list()
        else:
            close_list()
            paragraph.append(line)
    close_paragraph()
    close_list()
    return "\n".join(html)


def plain_blocks(text: str) -> list[tuple[str, str]]:
    """The body as (kind, text) blocks for the PDF: kind is "p" or "li"; marks are kept as <b> for reportlab."""
    blocks: list[tuple[str, str]] = []
    paragraph: list[str] = []
    number = 0

    def flush() -> None:
        if paragraph:
            blocks.append(("p", "<br/>".join(BOLD_RE.sub(r"<b>\1</b>", escape(p.strip())) for p in paragraph)))
            paragraph.clear()

    for line in (text or "").replace("\r\n", "\n").split("\n"):
        bullet, numbered = BULLET_RE.match(line), NUMBERED_RE.match(line)
        if bullet or numbered:
            flush()
            number = number + 1 if numbered else 0
            mark = f"{number}." if numbered else "•"
            item = (bullet or numbered).group(1)  # type: ignore[union-attr]
            blocks.append(("li", f"{mark} " + BOLD_RE.sub(r"<b>\1</b>", escape(item.strip()))))
        elif not line.strip():
            flush()
            number = 0
        else:
            paragraph.append(line)
    flush()
    return blocks
