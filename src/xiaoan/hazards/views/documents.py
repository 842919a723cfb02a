"""Documents: the three lists as xlsx ledgers and printable PDFs, the 整改通知书, the 督办通知书 and the
school's 随手拍 QR poster. Every one carries the issuing unit's name and the date."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from xiaoan.core.dbrouter import use_replica
from xiaoan.core.errors import TransitionNotAllowed
from xiaoan.core.pdf import build_pdf, pdf_response, pdf_styles, qr_image
from xiaoan.core.scoping import ensure_allowed, get_for_user

from .. import selectors, services
from ..forms import HazardFilterForm
from ..ledgers import OPEN_FOR_NOTICE, ledger, ledger_rows
from ..models import Hazard, Supervision

PDF_ROW_LIMIT = 5000


def _stamped(name: str, extension: str) -> str:
    return f"{name}-{timezone.localtime():%Y%m%d}.{extension}"


def _signed_on(day: Any) -> str:
    """The date under an issuing unit's name, as written in an official notice of the active language."""
    return date_format(day, pgettext("date under the signature of a notice (Django date format)", "Y年m月d日"))


def _unit_name(request: HttpRequest) -> str:
    return request.membership.unit.name  # type: ignore[attr-defined]


def _listed(request: HttpRequest) -> tuple[Any, Any, Any]:
    ensure_allowed(request.user, "hazards.hazard.export")
    form = HazardFilterForm(request.GET or None, user=request.user)
    title, columns = ledger(request.GET.get("list", "hazards"))
    today = timezone.localdate()
    hazards = selectors.hazard_list(request.user, form.filters(), today=today, action="export")
    return title, columns, ledger_rows(hazards, columns, today)


@login_required
@require_GET
@use_replica()
def list_xlsx(request: HttpRequest) -> FileResponse:
    from xiaoan.core.tabular.export import xlsx_response

    title, columns, rows = _listed(request)
    heading = _("%(unit)s %(list)s（%(date)s）") % {
        "unit": _unit_name(request),
        "list": title,
        "date": f"{timezone.localdate():%Y-%m-%d}",
    }
    return xlsx_response(
        rows,
        headers=[str(c.header) for c in columns],
        filename=_stamped(str(title), "xlsx"),
        sheet_title=str(title),
        title_line=heading,
    )


def _table(rows: list[list[Any]], widths: list[float]) -> Any:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    cell = pdf_styles()["table"]
    data = [[Paragraph(str(value), cell) for value in row] for row in rows]
    scale = min(1.0, 174 / sum(widths))  # fit the A4 text width
    table = Table(data, colWidths=[w * scale * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


@login_required
@require_GET
@use_replica()
def list_pdf(request: HttpRequest) -> HttpResponse:
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    title, columns, rows = _listed(request)
    styles = pdf_styles()
    body = []
    for index, row in enumerate(rows):
        if index >= PDF_ROW_LIMIT:
            break
        body.append(row)
    story = [
        Paragraph(f"{_unit_name(request)} {title}", styles["title"]),
        Paragraph(
            _("制表日期：%(date)s　共 %(n)d 项") % {"date": f"{timezone.localdate():%Y-%m-%d}", "n": len(body)},
            styles["small"],
        ),
        Spacer(1, 4 * mm),
        _table([[str(c.header) for c in columns], *body], [c.width_mm for c in columns]),
    ]
    author = request.user.display_name  # type: ignore[union-attr]
    return pdf_response(build_pdf(story, title=str(title), author=author), _stamped(str(title), "pdf"))


def _field_rows(pairs: list[tuple[Any, Any]]) -> Any:
    return _table([[str(label), "" if value is None else str(value)] for label, value in pairs], [40, 134])


@login_required
@require_GET
def rectification_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """整改通知书: what is to be rectified, by whom, how and by when — issued by the hazard's unit."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    hazard = get_for_user(Hazard.objects.select_related("unit", "responsible"), request.user, pk)
    if hazard.state not in OPEN_FOR_NOTICE:
        raise TransitionNotAllowed(
            _("下达整改后才能打印整改通知书。 The notice exists once rectification is assigned.")
        )
    styles = pdf_styles()
    pairs: list[tuple[Any, Any]] = [
        (_("隐患编号"), hazard.number),
        (_("单位"), hazard.unit.name),
        (_("类别 / 等级"), f"{hazard.get_category_display()} / {hazard.get_grade_display()}"),
        (_("位置"), hazard.place),
        (_("隐患描述"), hazard.description),
        (_("整改责任人"), f"{hazard.responsible.display_name if hazard.responsible else ''} {hazard.responsible_post}"),
        (_("整改措施"), hazard.measures),
        (_("整改资金（元）"), hazard.funds if hazard.funds is not None else ""),
        (_("整改期限"), f"{hazard.deadline:%Y-%m-%d}" if hazard.deadline else ""),
    ]
    if hazard.is_major:
        pairs += [(services.field_label(name), getattr(hazard, name)) for name in services.MAJOR_PLAN_FIELDS]
    story = [
        Paragraph(_("隐患整改通知书"), styles["title"]),
        Paragraph(_("编号：%(number)s") % {"number": hazard.number}, styles["small"]),
        Spacer(1, 4 * mm),
        _field_rows(pairs),
        Spacer(1, 8 * mm),
        Paragraph(_("请按期完成整改，整改完成后上传整改后照片申请验收。"), styles["body"]),
        Spacer(1, 10 * mm),
        Paragraph(f"{hazard.unit.name}　{_signed_on(timezone.localdate())}", styles["body"]),
        Spacer(1, 4 * mm),
        qr_image(request.build_absolute_uri(hazard.get_absolute_url()), 22),
    ]
    title = _("隐患整改通知书")
    return pdf_response(build_pdf(story, title=title), f"{title}-{hazard.number}.pdf")


@login_required
@require_GET
def supervision_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """督办通知书: issued by the supervising unit to the unit whose hazard is listed."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    supervision = get_for_user(
        Supervision.objects.select_related("hazard__unit", "supervising_unit", "leader"), request.user, pk
    )
    hazard = supervision.hazard
    styles = pdf_styles()
    pairs: list[tuple[Any, Any]] = [
        (_("督办编号"), supervision.number),
        (_("被督办单位"), hazard.unit.name),
        (_("隐患编号"), hazard.number),
        (_("位置"), hazard.place),
        (_("隐患描述"), hazard.description),
        (_("督办领导"), supervision.leader.display_name),
        (_("督办期限"), f"{supervision.deadline:%Y-%m-%d}"),
        (_("报告要求"), supervision.required_reports),
    ]
    story = [
        Paragraph(_("隐患挂牌督办通知书"), styles["title"]),
        Paragraph(_("编号：%(number)s") % {"number": supervision.number}, styles["small"]),
        Spacer(1, 4 * mm),
        Paragraph(_("%(unit)s：") % {"unit": hazard.unit.name}, styles["body"]),
        Paragraph(
            _(
                "你单位存在的下列隐患已列入挂牌督办，请落实整改责任、措施、资金、时限和预案，按要求报送进展，整改完成后申请督办单位验收销号。"
            ),
            styles["body"],
        ),
        Spacer(1, 4 * mm),
        _field_rows(pairs),
        Spacer(1, 10 * mm),
        Paragraph(
            f"{supervision.supervising_unit.name}　{_signed_on(timezone.localtime(supervision.created_at))}",
            styles["body"],
        ),
    ]
    title = _("隐患挂牌督办通知书")
    return pdf_response(build_pdf(story, title=title), f"{title}-{supervision.number}.pdf")


@login_required
@require_GET
def qr_poster(request: HttpRequest) -> HttpResponse:
    """The school's A4 随手拍 poster: its name, a large QR code to the public report page, instructions."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    unit = request.membership.unit  # type: ignore[attr-defined]
    point = services.report_point_for(actor=request.user, unit=unit)
    link = request.build_absolute_uri(reverse("hazards:public_report", args=[point.token]))
    styles = pdf_styles()
    big = styles["title"].clone("big", fontSize=26, leading=36)
    story = [
        Spacer(1, 10 * mm),
        Paragraph(unit.name, big),
        Paragraph(_("安全隐患随手拍"), big),
        Spacer(1, 8 * mm),
        qr_image(link, 110),
        Spacer(1, 8 * mm),
        Paragraph(_("看到校园安全隐患？用手机扫描上方二维码，无需登录，写下位置和情况，可附照片。"), styles["heading"]),
        Paragraph(
            _("提交后会得到一个查询码，凭查询码可查看处理进度。留下手机号仅用于反馈，学校看不到您的身份。"),
            styles["body"],
        ),
        Spacer(1, 6 * mm),
        Paragraph(link, styles["small"]),
    ]
    title = _("安全隐患随手拍")
    return pdf_response(build_pdf(story, title=title), _stamped(f"{title}-{unit.name}", "pdf"))
