"""A class's receipts (names: its teacher and the school's safety staff only), the class's printable letters,
and the school's ledger and archive of a letter."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from xiaoan.core.audit.services import audit_sensitive_read
from xiaoan.core.dbrouter import use_replica
from xiaoan.core.errors import PermissionDenied
from xiaoan.core.scoping import ensure_allowed
from xiaoan.orgs.views import call_service
from xiaoan.students.models import SchoolClass

from .. import documents, selectors, services
from ..forms import ReceiptRecordForm
from ..models import LetterState, Receipt, ReceiptState
from . import letter_for

NAMES_ONLY_FOR = gettext_lazy(
    "学生名单只对本班班主任和学校安全管理人员开放。 Only the class teacher and the school's safety staff see names."
)


def _class_for(request: HttpRequest, letter_pk: int, class_pk: int) -> tuple[Any, SchoolClass]:
    letter = letter_for(request.user, letter_pk)
    try:
        school_class = SchoolClass.objects.for_user(request.user, "families.receipttally.view").get(pk=class_pk)
    except SchoolClass.DoesNotExist:
        raise Http404 from None
    if not selectors.can_see_class(request.user, school_class):
        raise PermissionDenied(NAMES_ONLY_FOR)
    return letter, school_class


@login_required
@require_http_methods(["GET", "POST"])
def class_receipts(request: HttpRequest, pk: int, class_pk: int) -> HttpResponse:
    letter, school_class = _class_for(request, pk, class_pk)
    if request.method == "POST":
        ensure_allowed(request.user, "families.receipt.record", school_class)
    receipts = list(selectors.class_receipts(request.user, letter, school_class))
    pending = [r for r in receipts if r.state == ReceiptState.PENDING]
    form = ReceiptRecordForm(request.POST or None, receipts=pending)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recorded = call_service(form, services.receipts_record, actor=request.user, letter=letter,
                                school_class=school_class, receipt_ids=data["receipt"], channel=data["channel"],
                                note=data["note"])  # fmt: skip
        if recorded is not None:
            messages.success(request, _("已登记 %(n)d 份回执。") % {"n": recorded})
            return redirect("families:class_receipts", pk=letter.pk, class_pk=school_class.pk)
    rate = selectors.Rate(len(receipts), len(receipts) - len(pending))
    context = {
        "letter": letter,
        "school_class": school_class,
        "receipts": receipts,
        "pending": pending,
        "rate": rate,
        "form": form,
        "can_record": letter.state == LetterState.PUBLISHED,
    }
    return render(request, "families/class_receipts.html", context)


@login_required
@require_GET
def class_pdf(request: HttpRequest, pk: int, class_pk: int) -> HttpResponse:
    from xiaoan.core.pdf import pdf_response

    letter, school_class = _class_for(request, pk, class_pk)
    receipts = list(selectors.class_receipts(request.user, letter, school_class).order_by("pupil__name", "pk"))
    audit_sensitive_read(request=request, obj=school_class, fields=["pupil.name"], reason="打印班级回执单")
    author = request.user.display_name  # type: ignore[union-attr]
    pdf = documents.class_letters_pdf(letter, school_class, receipts, author=author)
    return pdf_response(pdf, f"{letter.title}-{school_class.name}.pdf")


def _school_receipts(request: HttpRequest, pk: int) -> tuple[Any, Any, Any]:
    letter = letter_for(request.user, pk)
    ensure_allowed(request.user, "families.receipt.export")
    school = request.membership.unit  # type: ignore[attr-defined]
    receipts = (
        Receipt.objects.for_user(request.user, "families.receipt.export")
        .filter(letter=letter)
        .select_related("pupil", "school_class", "confirmed_by_guardian", "recorded_by")
        .defer("pupil__id_number")
        .order_by("school_class__grade", "school_class__name", "pupil__name", "pk")
    )
    audit_sensitive_read(request=request, obj=letter, fields=["pupil.name"], reason="导出本校回执存档")
    return letter, school, receipts


def _watermark(request: HttpRequest) -> str:
    return _("导出人：%(user)s　导出时间：%(time)s　仅供存档，不得公开") % {
        "user": request.user.display_name,  # type: ignore[union-attr]
        "time": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }


@login_required
@require_GET
@use_replica()
def school_ledger(request: HttpRequest, pk: int) -> FileResponse:
    from xiaoan.core.tabular.export import xlsx_response

    letter, school, receipts = _school_receipts(request, pk)
    title = _("%(school)s《%(title)s》回执 — %(mark)s") % {
        "school": school.name, "title": letter.title, "mark": _watermark(request),
    }  # fmt: skip
    word = _("回执")
    return xlsx_response(documents.ledger_rows(receipts), headers=[str(h) for h in documents.STATE_HEADERS],
                         filename=f"{letter.title}-{school.name}-{word}.xlsx", sheet_title=word,
                         title_line=title)  # fmt: skip


@login_required
@require_GET
@use_replica()
def school_archive(request: HttpRequest, pk: int) -> HttpResponse:
    from xiaoan.core.pdf import pdf_response

    letter, school, receipts = _school_receipts(request, pk)
    author = request.user.display_name  # type: ignore[union-attr]
    pdf = documents.archive_pdf(letter, school, receipts, author=author, watermark=_watermark(request))
    word = _("回执存档")
    return pdf_response(pdf, f"{letter.title}-{school.name}-{word}.pdf")
