"""Ledgers of the org lists: the unit list and the people list as xlsx, the school directory as PDF."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xiaoan.core.dbrouter import use_replica
from xiaoan.core.scoping import ensure_allowed

from .. import selectors
from ..forms import PersonFilterForm, UnitFilterForm
from ..roles import Role, Stage, UnitKind

EXPORT_CHUNK = 2000
UNIT_COLUMNS = "name code kind stage parent__name pupils boarders staff_count is_boarding runs_buses address phone"


def _yes_no(value: bool) -> str:
    return _("是") if value else _("否")


def _stamped(name: str, extension: str) -> str:
    return f"{name}-{timezone.localtime():%Y%m%d}.{extension}"


def _unit_rows(units: Any) -> Iterator[list[Any]]:
    kinds, stages = dict(UnitKind.choices), dict(Stage.choices)
    for row in units.values_list(*UNIT_COLUMNS.split()).iterator(chunk_size=EXPORT_CHUNK):
        name, code, kind, stage, parent, pupils, boarders, staff, boarding, buses, address, phone = row
        yield [
            name, code, kinds.get(kind, kind), stages.get(stage, ""), parent or "", pupils, boarders, staff,
            _yes_no(boarding), _yes_no(buses), address, phone,
        ]  # fmt: skip


@login_required
@require_GET
@use_replica()
def unit_export(request: HttpRequest) -> FileResponse:
    from xiaoan.core.tabular.export import xlsx_response

    ensure_allowed(request.user, "orgs.unit.export")
    form = UnitFilterForm(request.GET or None, user=request.user)
    units = selectors.unit_list(request.user, form.filters(), action="export")
    headers = [
        _("名称"), _("代码"), _("类别"), _("学段"), _("上级单位"), _("在校学生数"), _("住宿生数"),
        _("教职工数"), _("寄宿制"), _("开通校车"), _("地址"), _("联系电话"),
    ]  # fmt: skip
    filename = _stamped(_("单位名录"), "xlsx")
    return xlsx_response(_unit_rows(units), headers=headers, filename=filename, sheet_title=_("单位名录"))


def _people_rows(people: Any) -> Iterator[list[Any]]:
    roles = dict(Role.choices)
    for person in people.iterator(chunk_size=EXPORT_CHUNK):
        posts = "；".join(
            f"{post.unit.name} · {roles.get(post.role, post.role)}" for post in person.posts if post.is_active
        )
        yield [person.display_name, person.username, selectors.mask_phone(person.phone), posts,
               _yes_no(person.is_active)]  # fmt: skip


@login_required
@require_GET
@use_replica()
def people_export(request: HttpRequest) -> FileResponse:
    from xiaoan.core.tabular.export import xlsx_response

    ensure_allowed(request.user, "orgs.user.view")
    form = PersonFilterForm(request.GET or None, user=request.user)
    people = selectors.people_list(request.user, form.filters())
    headers = [_("姓名"), _("用户名"), _("手机号"), _("任职"), _("账号有效")]
    filename = _stamped(_("人员名册"), "xlsx")
    return xlsx_response(_people_rows(people), headers=headers, filename=filename, sheet_title=_("人员名册"))


@login_required
@require_GET
@use_replica()
def school_directory_pdf(request: HttpRequest) -> HttpResponse:
    """学校名录: the schools of the (filtered) list, with a QR code back to the list it was printed from."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from xiaoan.core.pdf import build_pdf, pdf_response, pdf_styles, qr_image

    ensure_allowed(request.user, "orgs.unit.export")
    form = UnitFilterForm(request.GET or None, user=request.user)
    schools = selectors.unit_list(request.user, form.filters(), action="export").filter(kind=UnitKind.SCHOOL)
    styles = pdf_styles()
    heading, cell = styles["heading"], styles["table"]
    stages = dict(Stage.choices)
    rows: list[list[Any]] = [
        [Paragraph(str(text), cell) for text in (_("学校"), _("标识码"), _("学段"), _("地址"), _("电话"))]
        + [_("学生"), _("教职工")]
    ]
    columns = "name code stage address phone pupils staff_count".split()
    for name, code, stage, address, phone, pupils, staff in schools.values_list(*columns).iterator(EXPORT_CHUNK):
        cells = [name, code, stages.get(stage, ""), address, phone]
        rows.append([Paragraph(str(text), cell) for text in cells] + [pupils, staff])
    table = Table(rows, colWidths=[45 * mm, 24 * mm, 18 * mm, 50 * mm, 22 * mm, 12 * mm, 12 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), cell.fontName),
                ("FONTSIZE", (0, 0), (-1, -1), cell.fontSize),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    membership = request.membership  # type: ignore[attr-defined]
    source = request.build_absolute_uri(reverse("orgs:unit_list") + "?" + request.GET.urlencode())
    story = [
        Paragraph(_("%(unit)s 学校名录，共 %(n)d 所") % {"unit": membership.unit.name, "n": len(rows) - 1}, heading),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 6 * mm),
        qr_image(source, 22),
    ]
    title = _("学校名录")
    author = request.user.display_name  # type: ignore[union-attr]
    return pdf_response(build_pdf(story, title=title, author=author), _stamped(title, "pdf"))
