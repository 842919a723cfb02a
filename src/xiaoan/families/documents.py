"""Printed documents: the class letters with tear-off receipt stubs and QR codes, the school's receipt archive
(PDF) and ledger (xlsx)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoan.core.crypto import mask_mobile, mask_name

from .delivery import receipt_url
from .markup import plain_blocks
from .models import Letter, Receipt, ReceiptLink, ReceiptState


def _letter_story(letter: Letter, styles: dict[str, Any]) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    story: list[Any] = [Paragraph(letter.title, styles["title"])]
    for kind, text in plain_blocks(letter.body):
        style = styles["body"] if kind == "p" else styles["item"]
        story.append(Paragraph(text, style))
    story.append(Spacer(1, 2 * mm))
    story.append(Paragraph(f"{letter.unit.name}　{letter.created_at:%Y-%m-%d}", styles["right"]))
    return story


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    from xiaoan.core.pdf import pdf_styles

    styles = pdf_styles()
    styles["item"] = ParagraphStyle("item", parent=styles["body"], leftIndent=12, spaceAfter=2)
    styles["right"] = ParagraphStyle("right", parent=styles["body"], alignment=2)
    styles["body"].spaceAfter = 4
    return styles


def primary_links(receipts: list[Receipt]) -> dict[int, ReceiptLink]:
    """The link printed for each pupil: the first guardian's (primary first, then the lowest id)."""
    links = ReceiptLink.objects.system("links of receipts already read in scope").filter(
        receipt_id__in=[r.pk for r in receipts]
    )
    chosen: dict[int, ReceiptLink] = {}
    for link in links.order_by("receipt_id", "-is_primary", "guardian_id").only("receipt_id", "guardian_id"):
        chosen.setdefault(link.receipt_id, link)
    return chosen


def class_letters_pdf(letter: Letter, school_class: Any, receipts: list[Receipt], *, author: str) -> bytes:
    """One page per pupil: the letter, a cut line, and the stub (class, pupil, signature, date) with a QR code."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

    from xiaoan.core.pdf import build_pdf, qr_image

    styles = _styles()
    links = primary_links(receipts)
    story: list[Any] = []
    for receipt in receipts:
        story.extend(_letter_story(letter, styles))
        story.append(Spacer(1, 4 * mm))
        story.append(Paragraph(_("沿此线剪下") + " " + "- " * 36, styles["small"]))
        stub = [
            [Paragraph(_("《%(title)s》回执") % {"title": letter.title}, styles["heading"]), ""],
            [
                Paragraph(
                    _("班级：%(c)s　学生：%(p)s") % {"c": school_class.name, "p": receipt.pupil.name}, styles["body"]
                ),
                "",
            ],
        ]
        for item in letter.items:
            stub.append([Paragraph("□ " + item, styles["body"]), ""])
        stub.append([Paragraph(_("家长签字：＿＿＿＿＿＿　日期：＿＿＿＿年＿＿月＿＿日"), styles["body"]), ""])
        link = links.get(receipt.pk)
        if link is not None:
            stub[0][1] = qr_image(receipt_url(receipt.pk, link.guardian_id), 26)
            stub.append([Paragraph(_("有智能手机的家长可扫码在网上确认，无需再交回执单。"), styles["small"]), ""])
        table = Table(stub, colWidths=[140 * mm, 32 * mm])
        table.setStyle(TableStyle([("SPAN", (1, 0), (1, -1)), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BOX", (0, 0), (-1, -1), 0.5, colors.grey)]))  # fmt: skip
        story.append(KeepTogether([table]))
        story.append(PageBreak())
    title = _("%(title)s（%(klass)s）") % {"title": letter.title, "klass": school_class.name}
    return build_pdf(story[:-1] if story else story, title=title, author=author)


STATE_HEADERS = (_("班级"), _("学生"), _("学号"), _("状态"), _("回执方式"), _("回执时间"), _("确认家长"), _("登记人"))


def _receipt_cells(receipt: Receipt) -> list[Any]:
    guardian = receipt.confirmed_by_guardian
    confirmed_by = f"{mask_name(guardian.name)} {mask_mobile(guardian.mobile)}" if guardian else ""
    when = timezone.localtime(receipt.confirmed_at).strftime("%Y-%m-%d %H:%M") if receipt.confirmed_at else ""
    recorder = receipt.recorded_by.display_name if receipt.recorded_by else ""
    return [
        receipt.school_class.name, receipt.pupil.name, receipt.pupil.student_number, receipt.get_state_display(),
        receipt.get_channel_display() if receipt.channel else "", when, confirmed_by, recorder,
    ]  # fmt: skip


def ledger_rows(receipts: Any) -> Iterator[list[Any]]:
    for receipt in receipts.iterator(chunk_size=2000):
        yield _receipt_cells(receipt)


def archive_pdf(letter: Letter, school: Any, receipts: Any, *, author: str, watermark: str) -> bytes:
    """The school's archive of one letter: the letter itself, then the table of every pupil's receipt."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, Table, TableStyle

    from xiaoan.core.pdf import build_pdf

    styles = _styles()
    story = _letter_story(letter, styles)
    story.append(PageBreak())
    story.append(Paragraph(_("%(school)s 回执记录") % {"school": school.name}, styles["heading"]))
    cell = styles["table"]
    rows: list[list[Any]] = [[Paragraph(str(h), cell) for h in STATE_HEADERS]]
    for cells in ledger_rows(receipts):
        rows.append([Paragraph(str(value), cell) for value in cells])
    confirmed = receipts.filter(state=ReceiptState.CONFIRMED).count()
    widths = [22 * mm, 18 * mm, 20 * mm, 14 * mm, 20 * mm, 24 * mm, 32 * mm, 18 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]))  # fmt: skip
    story.append(Paragraph(_("应回执 %(owed)d 人，已回执 %(done)d 人。") % {"owed": len(rows) - 1, "done": confirmed},
                           styles["body"]))  # fmt: skip
    story.append(table)
    return build_pdf(story, title=_("回执存档：%(title)s") % {"title": letter.title}, author=author, footer=watermark)
