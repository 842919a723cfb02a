"""Roster pages. Names are full only for the people who work with the class; ID and mobile numbers are always
masked, except once, after an audited "显示完整号码". Bureaus get counts, never names."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xiaoan.core.audit.services import audit_sensitive_read
from xiaoan.core.errors import PermissionDenied
from xiaoan.core.scoping import ensure_allowed, get_for_user, get_policy
from xiaoan.core.tabular.export import xlsx_response
from xiaoan.orgs.views import call_service

from . import selectors, services
from .forms import ClassChoiceForm, LeaveForm, PromotionForm, PupilForm, SchoolClassForm, TransferForm
from .grades import school_year_of
from .models import Pupil, PupilStatus, PupilTransfer, SchoolClass

PAGE_SIZE = 60


def _school(request: HttpRequest) -> Any:
    membership = getattr(request, "membership", None)
    return membership.unit if membership is not None else None


@login_required
@require_GET
def class_list(request: HttpRequest) -> HttpResponse:
    policy = get_policy()
    if policy.allows(request.user, "students.overview"):
        schools = selectors.counts_by_school(request.user)
        return render(request, "students/overview.html", {"schools": schools})
    ensure_allowed(request.user, "students.schoolclass.view")
    context = {
        "classes": selectors.classes_for(request.user),
        "unplaced": selectors.unplaced_pupils(request.user)[:PAGE_SIZE],
        "can_create": policy.allows(request.user, "students.schoolclass.create"),
        "can_import": policy.allows(request.user, "students.pupil.import"),
        "can_promote": policy.allows(request.user, "students.schoolclass.promote"),
        "can_receive": policy.allows(request.user, "students.pupiltransfer.accept"),
    }
    return render(request, "students/class_list.html", context)


@login_required
@require_GET
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = get_for_user(SchoolClass.objects.select_related("class_teacher"), request.user, pk)
    handles = selectors.handles_class(request.user, school_class)
    pupils = Paginator(selectors.pupils_of_class(request.user, school_class), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    policy = get_policy()
    context = {
        "school_class": school_class,
        "page": pupils,
        "full_names": handles,
        "can_add": handles and policy.allows(request.user, "students.pupil.create", path=school_class.scope_path),
        "can_export": handles and policy.allows(request.user, "students.pupil.export", path=school_class.scope_path),
        "can_change": policy.allows(request.user, "students.schoolclass.change", path=school_class.scope_path),
    }
    return render(request, "students/class_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def class_create(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "students.schoolclass.create")
    unit = _school(request)
    form = SchoolClassForm(request.POST or None, user=request.user, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        school_class = call_service(
            form,
            services.class_create,
            actor=request.user,
            unit=unit,
            school_year=school_year_of(timezone.localdate()),
            grade=data["grade"],
            number=data["number"],
            name=data["name"],
            class_teacher=data["class_teacher"],
        )
        if school_class is not None:
            messages.success(request, _("班级已创建。"))
            return redirect("students:class_detail", school_class.pk)
    return render(
        request, "students/form.html", {"form": form, "title": _("新建班级"), "back": reverse("students:class_list")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def class_edit(request: HttpRequest, pk: int) -> HttpResponse:
    school_class = get_for_user(SchoolClass, request.user, pk, action="change")
    initial = {
        "name": school_class.name,
        "class_teacher": school_class.class_teacher_id,
        "is_active": school_class.is_active,
    }
    form = SchoolClassForm(
        request.POST or None, user=request.user, unit=school_class.unit, editing=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            services.class_update,
            actor=request.user,
            school_class=school_class,
            name=data["name"],
            class_teacher=data["class_teacher"],
            is_active=data["is_active"],
        )
        if done is not None:
            messages.success(request, _("班级已保存。"))
            return redirect("students:class_detail", school_class.pk)
    back = reverse("students:class_detail", args=[school_class.pk])
    return render(request, "students/form.html", {"form": form, "title": school_class.name, "back": back})


@login_required
@require_GET
def class_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The class list as an inspector asks for it: watermarked with who exported it and when, numbers masked."""
    school_class = get_for_user(SchoolClass, request.user, pk, action="students.pupil.export")
    if not selectors.handles_class(request.user, school_class):
        raise PermissionDenied()
    rows = [
        [
            pupil.student_number,
            pupil.name,
            pupil.get_gender_display(),
            pupil.date_of_birth,
            pupil.masked_id_number,
            "；".join(
                f"{tie.guardian.name}（{tie.get_relation_display()}）{tie.guardian.masked_mobile}"
                for tie in pupil.guardianships.all()
            ),
        ]
        for pupil in selectors.pupils_of_class(request.user, school_class)
    ]
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    watermark = _("导出人：%(user)s 导出时间：%(time)s（含未成年人个人信息，请妥善保管）") % {
        "user": getattr(request.user, "display_name", ""),
        "time": stamp,
    }
    headers = [_("学号"), _("姓名"), _("性别"), _("出生日期"), _("身份证号"), _("监护人")]
    return xlsx_response(
        rows, headers=headers, filename=f"{school_class.name}.xlsx", sheet_title=school_class.name, title_line=watermark
    )


@login_required
@require_GET
def pupil_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = get_for_user(selectors.with_guardians(request.user, Pupil.objects.all()), request.user, pk)
    handles = selectors.handles_pupil(request.user, pupil)
    policy = get_policy()
    context = {
        "pupil": pupil,
        "full_names": handles,
        "history": selectors.pupil_history(request.user, pupil),
        "can_change": handles and policy.allows(request.user, "students.pupil.change", path=pupil.scope_path),
        "can_reveal": handles and policy.allows(request.user, "students.pupil.reveal", path=pupil.scope_path),
        "can_transfer": policy.allows(request.user, "students.pupil.transfer", path=pupil.scope_path),
        "can_move": policy.allows(request.user, "students.schoolclass.change", path=pupil.scope_path),
        "enrolled": pupil.status == PupilStatus.ENROLLED,
        "transferring": pupil.status == PupilStatus.TRANSFERRING,
    }
    return render(request, "students/pupil_detail.html", context)


@login_required
@require_POST
def pupil_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the ID and mobile numbers once, to a role that needs them; every showing is audited."""
    pupil = get_for_user(selectors.with_guardians(request.user, Pupil.objects.all()), request.user, pk, action="reveal")
    if not selectors.handles_pupil(request.user, pupil):
        raise PermissionDenied()
    audit_sensitive_read(
        request=request, obj=pupil, fields=["id_number", "guardian.mobile"], reason="显示完整号码 / show full numbers"
    )
    return render(request, "students/_revealed.html", {"pupil": pupil})


def _pupil_form_page(request: HttpRequest, form: PupilForm, title: str, back: str) -> HttpResponse:
    return render(request, "students/form.html", {"form": form, "title": title, "back": back, "sensitive": True})


@login_required
@require_http_methods(["GET", "POST"])
def pupil_create(request: HttpRequest, class_pk: int) -> HttpResponse:
    school_class = get_for_user(SchoolClass, request.user, class_pk, action="students.pupil.create")
    form = PupilForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pupil = call_service(
            form,
            services.pupil_create,
            actor=request.user,
            school_class=school_class,
            guardians=form.guardians(),
            **form.pupil_fields(),
        )
        if pupil is not None:
            messages.success(request, _("学生已登记。"))
            return redirect("students:class_detail", school_class.pk)
    back = reverse("students:class_detail", args=[school_class.pk])
    return _pupil_form_page(request, form, _("登记学生：%(name)s") % {"name": school_class.name}, back)


def _initial_of(pupil: Pupil) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "name": pupil.name,
        "gender": pupil.gender,
        "date_of_birth": pupil.date_of_birth,
        "student_number": pupil.student_number,
    }
    for n, tie in enumerate(pupil.guardianships.all(), start=1):
        initial[f"guardian{n}_name"] = tie.guardian.name
        initial[f"guardian{n}_relation"] = tie.relation
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def pupil_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Numbers are never put back into the form: an empty number field keeps the number on record."""
    pupil = get_for_user(selectors.with_guardians(request.user, Pupil.objects.all()), request.user, pk, action="change")
    form = PupilForm(request.POST or None, initial=_initial_of(pupil))
    if request.method == "POST" and form.is_valid():
        fields = form.pupil_fields()
        if not fields["id_number"]:
            fields.pop("id_number")
        done = call_service(
            form,
            services.pupil_update,
            actor=request.user,
            pupil=pupil,
            guardians=services.keep_mobiles(pupil, form.guardians()),
            **fields,
        )
        if done is not None:
            messages.success(request, _("学生信息已保存。"))
            return redirect("students:pupil_detail", pupil.pk)
    back = reverse("students:pupil_detail", args=[pupil.pk])
    return _pupil_form_page(request, form, _("编辑学生：%(name)s") % {"name": pupil.name}, back)


@login_required
@require_http_methods(["GET", "POST"])
def pupil_move(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = get_for_user(Pupil, request.user, pk, action="students.schoolclass.change")
    form = ClassChoiceForm(request.POST or None, user=request.user, initial={"school_class": pupil.school_class_id})
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, services.pupil_move_class, actor=request.user, pupil=pupil, to_class=form.cleaned_data["school_class"]
        )
        if done is not None:
            messages.success(request, _("已调班。"))
            return redirect("students:pupil_detail", pupil.pk)
    back = reverse("students:pupil_detail", args=[pupil.pk])
    return render(request, "students/form.html", {"form": form, "title": _("调班"), "back": back})


@login_required
@require_http_methods(["GET", "POST"])
def pupil_leave(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = get_for_user(Pupil, request.user, pk, action="transfer")
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, services.pupil_leave, actor=request.user, pupil=pupil, status=form.cleaned_data["status"]
        )
        if done is not None:
            messages.success(request, _("已办理离校。"))
            return redirect("students:pupil_detail", pupil.pk)
    back = reverse("students:pupil_detail", args=[pupil.pk])
    return render(request, "students/form.html", {"form": form, "title": _("办理离校"), "back": back})


@login_required
@require_http_methods(["GET", "POST"])
def pupil_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = get_for_user(Pupil, request.user, pk, action="transfer")
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, services.transfer_request, actor=request.user, pupil=pupil, to_unit=form.cleaned_data["to_code"]
        )
        if done is not None:
            messages.success(request, _("已提出转学，待转入学校接收。"))
            return redirect("students:pupil_detail", pupil.pk)
    back = reverse("students:pupil_detail", args=[pupil.pk])
    return render(request, "students/form.html", {"form": form, "title": _("转学到本市其他学校"), "back": back})


@login_required
@require_POST
def pupil_transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    pupil = get_for_user(Pupil, request.user, pk, action="transfer")
    services.transfer_cancel(actor=request.user, pupil=pupil)
    messages.success(request, _("转学已撤回。"))
    return redirect("students:pupil_detail", pupil.pk)


@login_required
@require_GET
def transfer_list(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "students.pupiltransfer.view")
    query = request.GET.get("q", "")
    transfers = selectors.pending_transfers(request.user, query=query)[:PAGE_SIZE]
    return render(request, "students/transfer_list.html", {"transfers": transfers, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def transfer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = get_for_user(
        PupilTransfer.objects.select_related("pupil", "from_unit"), request.user, pk, action="accept"
    )
    form = ClassChoiceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        pupil = call_service(
            form,
            services.transfer_accept,
            actor=request.user,
            transfer=transfer,
            to_class=form.cleaned_data["school_class"],
        )
        if pupil is not None:
            messages.success(request, _("已接收转入学生。"))
            return redirect("students:pupil_detail", pupil.pk)
    context = {"form": form, "transfer": transfer}
    return render(request, "students/transfer_accept.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def promotion(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "students.schoolclass.promote")
    unit = _school(request)
    initial = {"from_year": timezone.localdate().year - 1}  # the school year that ends in the summer
    form = PromotionForm(request.POST or None, initial=initial)
    result = None
    if request.method == "POST" and form.is_valid():
        result = call_service(
            form, services.school_promote, actor=request.user, unit=unit, from_year=form.cleaned_data["from_year"]
        )
    return render(request, "students/promotion.html", {"form": form, "result": result})
