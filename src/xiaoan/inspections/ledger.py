"""消防工作台帐: one school, one period — its fire-facility checks, the failed items, the asset checks and the
fire hazards with their rectification, as one workbook with a sheet each."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from xiaoan.core.tabular.export import XLSX_TYPE, file_response, safe_sheet_title, xlsx_cell

from . import links
from .models import Answer, Inspection, InspectionState, Result

FIRE = "fire"


@dataclass
class Sheet:
    title: str
    headers: Sequence[Any]
    rows: Iterable[Sequence[Any]]


def _window(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return since, until


def fire_inspections(user: Any, school: Any, start: dt.date, end: dt.date) -> Any:
    since, until = _window(start, end)
    return (
        Inspection.objects.for_user(user, "inspections.ledger.export")
        .filter(
            school=school,
            state=InspectionState.SUBMITTED,
            version__template__checks_assets=True,
            submitted_at__gte=since,
            submitted_at__lt=until,
        )
        .select_related("version__template", "inspector")
        .order_by("submitted_at", "pk")
    )


def fire_sheets(user: Any, school: Any, start: dt.date, end: dt.date) -> list[Sheet]:
    inspections = list(fire_inspections(user, school, start, end))
    failed = (
        Answer.objects.for_user(user, "inspections.ledger.export")
        .filter(inspection__in=inspections, result=Result.FAIL)
        .select_related("item__section", "inspection")
        .order_by("inspection__submitted_at", "item__section__order", "item__order")
    )
    numbers = {pk: hazard.number for pk, hazard in links.hazards_by_id(user, [a.hazard_id for a in failed]).items()}
    checks = [
        [
            timezone.localtime(item.submitted_at),
            item.version.template.title,
            item.version.number,
            item.inspector.display_name if item.inspector else "",
            item.failed_count,
            item.note,
        ]
        for item in inspections
    ]
    findings = [
        [
            timezone.localtime(answer.inspection.submitted_at),
            answer.item.section.title,
            answer.item.text,
            answer.note,
            answer.place,
            numbers.get(answer.hazard_id, "") if answer.hazard_id else "",
        ]
        for answer in failed
    ]
    return [
        Sheet(
            _("消防设施检查"),
            [_("提交时间"), _("检查表"), _("版本"), _("检查人"), _("不合格项数"), _("总体说明")],
            checks,
        ),
        Sheet(
            _("不合格项"), [_("检查时间"), _("分组"), _("检查内容"), _("问题说明"), _("位置"), _("隐患编号")], findings
        ),
        Sheet(
            _("设施器材检查"),
            [_("检查日期"), _("设施器材"), _("类型"), _("位置"), _("结论"), _("说明")],
            links.asset_check_rows(user, school, start, end),
        ),
        Sheet(
            _("消防隐患整改"),
            [_("隐患编号"), _("报告时间"), _("位置"), _("描述"), _("等级"), _("状态"), _("整改期限"), _("销号时间")],
            links.fire_hazard_rows(user, school, *_window(start, end)),
        ),
    ]


def workbook_response(sheets: list[Sheet], *, filename: str, title_line: str) -> FileResponse:
    """Several sheets in one xlsx (write-only, streamed from a temporary file), each under a title line."""
    workbook = Workbook(write_only=True)
    bold, big = Font(bold=True), Font(bold=True, size=14)
    for spec in sheets:
        sheet = workbook.create_sheet(title=safe_sheet_title(str(spec.title)))
        title = WriteOnlyCell(sheet, value=f"{title_line} · {spec.title}")
        title.font = big
        sheet.append([title])
        header_cells = []
        for header in spec.headers:
            cell = WriteOnlyCell(sheet, value=str(header))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in spec.rows:
            sheet.append([xlsx_cell(sheet, value) for value in row])
    out = tempfile.TemporaryFile()
    workbook.save(out)
    out.seek(0)
    return file_response(out, filename=filename, content_type=XLSX_TYPE)
