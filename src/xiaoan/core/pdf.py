"""PDF documents with Chinese text: an embedded TrueType CJK font subset (never STSong-Light) and QR codes.

Usage::

    styles = pdf_styles()
    story = [Paragraph("消防安全检查记录", styles["title"]), qr_image(link, 30)]
    return pdf_response(build_pdf(story, title="消防安全检查记录"), "检查记录.pdf")
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Image, SimpleDocTemplate

FONT_NAME = "XiaoanCJK"
DEBIAN_FONT_PACKAGE = "fonts-wqy-microhei"
MARGIN = 18 * mm

_lock = threading.Lock()


def register_font() -> str:
    """Register the CJK font once (lazily, on first use) and return its name."""
    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    with _lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            path = Path(settings.XIAOAN_PDF_FONT)
            if not path.is_file():
                raise ImproperlyConfigured(
                    f"PDF font {path} not found: install the Debian package {DEBIAN_FONT_PACKAGE} "
                    "or point XIAOAN_PDF_FONT at a TrueType CJK font (.ttf/.ttc)."
                )
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME


def pdf_styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles in the CJK font, wrapping between any two Chinese characters."""
    font = register_font()
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=1, spaceAfter=8),
        "heading": ParagraphStyle("heading", parent=base, fontSize=13, leading=20, spaceBefore=8, spaceAfter=4),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=colors.grey),
        "table": ParagraphStyle("table", parent=base, fontSize=9.5, leading=13),
    }


def qr_image(data: str, size_mm: float = 30) -> Image:
    """A QR code flowable ``size_mm`` wide, drawn from a PNG made in memory."""
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return Image(buffer, width=size_mm * mm, height=size_mm * mm)


def build_pdf(story: Sequence[Flowable], *, title: str, author: str = "", footer: str | None = None) -> bytes:
    """An A4 document: the title and generation time in the header, ``footer`` and "第 N 页" at the bottom."""
    font = register_font()
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    page_label = _("第 %(page)s 页")
    generated_label = _("生成时间：%(time)s") % {"time": generated}

    def decorate(canvas: Any, doc: Any) -> None:
        width, height = A4
        canvas.saveState()
        canvas.setFont(font, 8.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(MARGIN, height - 12 * mm, title)
        canvas.drawRightString(width - MARGIN, height - 12 * mm, generated_label)
        canvas.setStrokeColor(colors.lightgrey)
        canvas.line(MARGIN, height - 13.5 * mm, width - MARGIN, height - 13.5 * mm)
        if footer:
            canvas.drawString(MARGIN, 10 * mm, footer)
        canvas.drawRightString(width - MARGIN, 10 * mm, page_label % {"page": doc.page})
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 4 * mm,
        bottomMargin=MARGIN,
        title=title,
        author=author,
        creator="Xiaoan",
        initialFontName=font,  # otherwise every page also references a non-embedded Helvetica
    )
    doc.build(list(story), onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def pdf_response(pdf_bytes: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """An HTTP response carrying a generated PDF (a UTF-8 file name; never cached by shared caches)."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "").replace("\\", "")
    response = HttpResponse(pdf_bytes, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
