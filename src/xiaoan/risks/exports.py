"""The risk ledger (风险分级管控清单) of the filtered list: xlsx, and a printable PDF with the unit and date."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from xiaoan.core.dbrouter import use_replica
from xiaoan.core.scoping import ensure_allowed

from . import selectors
from .forms import RiskFilterForm
from .grading import plain
from .models import COLOUR_LABELS, GradingMethod, RiskKind, RiskLevel, RiskPoint

EXPORT_CHUNK = 2000
LEDGER = gettext_lazy("风险分级管控清单")


def _points(request: HttpRequest) -> Any:
    ensure_allowed(request.user, "risks.riskpoint.export")
    form = RiskFilterForm(request.GET or None, user=request.user)
    return selectors.risk_point_list(request.user, form.filters(), action="export")


def _factor(value: Any) -> str:
    return plain(value) if value is not None else ""


def _level(point: RiskPoint) -> str:
    return f"{RiskLevel(point.level).label}（{COLOUR_LABELS[point.level]}）"


def ledger_rows(points: Any) -> Iterator[list[Any]]:
    kinds, methods = dict(RiskKind.choices), dict(GradingMethod.choices)
    for index, point in enumerate(points.iterator(chunk_size=EXPORT_CHUNK), start=1):
        person = point.responsible.display_name if point.responsible else ""
        yield [
            index, point.unit.name, point.name, point.place, kinds.get(point.kind, point.kind), point.hazard_factors,
            point.consequences, methods.get(point.method, point.method), _factor(point.likelihood),
            _factor(point.exposure), _factor(point.consequence), _factor(point.score), _level(point),
            point.control_measures, person, point.responsible_post, point.last_reviewed_on, point.review_due,
        ]  # fmt: skip


LEDGER_HEADERS = [
    gettext_lazy("序号"),
    gettext_lazy("学校"),
    gettext_lazy("风险点名称"),
    gettext_lazy("所在位置"),
    gettext_lazy("类型"),
    gettext_lazy("危险因素"),
    gettext_lazy("可能导致的后果"),
    gettext_lazy("评价方法"),
    gettext_lazy("L"),
    gettext_lazy("E"),
    gettext_lazy("C"),
    gettext_lazy("D"),
    gettext_lazy("风险等级"),
    gettext_lazy("管控措施"),
    gettext_lazy("责任人"),
    gettext_lazy("责任岗位"),
    gettext_lazy("最近复核日期"),
    gettext_lazy("下次复核期限"),
]


def _title(request: HttpRequest) -> str:
    unit = request.membership.unit  # type: ignore[attr-defined]
    return _("%(unit)s 安全风险分级管控清单") % {"unit": unit.name}


def _stamped(extension: str) -> str:
    return f"{LEDGER}-{timezone.localtime():%Y%m%d}.{extension}"


@login_required
@require_GET
@use_replica()
def risk_export(request: HttpRequest) -> FileResponse:
    from xiaoan.core.tabular.export import xlsx_response

    points = _points(request)
    return xlsx_response(
        ledger_rows(points),
        headers=[str(header) for header in LEDGER_HEADERS],
        filename=_stamped("xlsx"),
        sheet_title=str(LEDGER),
        title_line=f"{_title(request)}（{timezone.localdate():%Y-%m-%d}）",
    )


@login_required
@require_GET
@use_replica()
def risk_ledger_pdf(request: HttpRequest) -> HttpResponse:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from xiaoan.core.pdf import build_pdf, pdf_response, pdf_styles

    points = _points(request)
    styles = pdf_styles()
    cell = styles["table"]
    shown = [
        _("序号"), _("学校"), _("风险点/位置"), _("危险因素"), "LEC / D", _("风险等级"), _("管控措施"),
        _("责任人/岗位"), _("复核期限"),
    ]  # fmt: skip
    rows: list[list[Any]] = [[Paragraph(text, cell) for text in shown]]
    fills = []
    for index, point in enumerate(points.iterator(chunk_size=EXPORT_CHUNK), start=1):
        lec = _("直接定级")
        if point.score is not None:
            factors = "×".join(_factor(value) for value in (point.likelihood, point.exposure, point.consequence))
            lec = f"{factors} = {_factor(point.score)}"
        person = point.responsible.display_name if point.responsible else ""
        texts = [
            str(index), point.unit.name, f"{point.name}<br/>{point.place}", point.hazard_factors, lec, _level(point),
            point.control_measures, f"{person}<br/>{point.responsible_post}", f"{point.review_due:%Y-%m-%d}",
        ]  # fmt: skip
        rows.append([Paragraph(_escape_keep_breaks(text), cell) for text in texts])
        fills.append(("BACKGROUND", (5, index), (5, index), PDF_FILLS[point.level]))
    widths = [9, 22, 24, 30, 20, 16, 30, 15, 16]
    table = Table(rows, colWidths=[width * mm for width in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                *fills,
            ]
        )
    )
    title = _title(request)
    story = [
        Paragraph(title, styles["title"]),
        Paragraph(_("制表日期：%(date)s") % {"date": f"{timezone.localdate():%Y-%m-%d}"}, styles["small"]),
        Spacer(1, 4 * mm),
        table,
    ]
    author = request.user.display_name  # type: ignore[union-attr]
    return pdf_response(build_pdf(story, title=title, author=author), _stamped("pdf"))


def _escape_keep_breaks(text: str) -> str:
    from django.utils.html import escape

    return "<br/>".join(escape(part) for part in str(text).split("<br/>")).replace("\n", "<br/>")


def _pdf_fills() -> dict[str, Any]:
    from reportlab.lib import colors

    return {
        "red": colors.HexColor("#f8d7da"),
        "orange": colors.HexColor("#ffe5cc"),
        "yellow": colors.HexColor("#fff3bf"),
        "blue": colors.HexColor("#d0e4f7"),
    }


PDF_FILLS = _pdf_fills()
