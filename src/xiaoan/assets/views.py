"""Safety asset pages: the list (HTMX-filtered, with the "due" filter), one asset with its checks, register,
edit, bulk add, record a check (phone-first), and the xlsx ledger."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from xiaoan.core.dbrouter import use_replica
from xiaoan.core.scoping import ensure_allowed, get_for_user, get_policy
from xiaoan.orgs.views import call_service, is_htmx, paginate, querystring_without_page

from . import selectors, services
from .forms import AssetBulkForm, AssetCheckForm, AssetFilterForm, AssetForm
from .models import AssetKind, AssetStatus, SafetyAsset

LEDGER = gettext_lazy("安全设施设备台帐")


@login_required
@require_GET
def asset_list(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "assets.safetyasset.view")
    form = AssetFilterForm(request.GET or None, user=request.user)
    policy = get_policy()
    context = {
        "form": form,
        "page": paginate(request, selectors.asset_list(request.user, form.filters())),
        "querystring": querystring_without_page(request),
        "can_create": policy.allows(request.user, "assets.safetyasset.create"),
        "can_export": policy.allows(request.user, "assets.safetyasset.export"),
    }
    template = "assets/_asset_table.html" if is_htmx(request) else "assets/asset_list.html"
    return render(request, template, context)


@login_required
@require_GET
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_for_user(SafetyAsset.objects.select_related("unit"), request.user, pk)
    policy = get_policy()
    context = {
        "asset": asset,
        "checks": asset.checks.select_related("checked_by")[:50],
        "can_change": policy.allows(request.user, "assets.safetyasset.change", path=asset.scope_path),
        "can_check": asset.status != AssetStatus.RETIRED
        and policy.allows(request.user, "assets.safetyasset.check", path=asset.scope_path),
    }
    return render(request, "assets/asset_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def asset_create(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "assets.safetyasset.create")
    school = request.membership.unit  # type: ignore[attr-defined]
    form = AssetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        asset = call_service(cast(Any, form), services.asset_create, actor=request.user, unit=school, **fields)
        if asset is not None:
            messages.success(request, _("设施已登记。"))
            return redirect(asset)
    return render(request, "assets/asset_form.html", {"form": form, "asset": None})


@login_required
@require_http_methods(["GET", "POST"])
def asset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_for_user(SafetyAsset.objects.select_related("unit"), request.user, pk, action="change")
    form = AssetForm(request.POST or None, instance=asset)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        asset.refresh_from_db()  # the bound ModelForm wrote its values onto the instance
        updated = call_service(cast(Any, form), services.asset_update, actor=request.user, asset=asset, **fields)
        if updated is not None:
            messages.success(request, _("设施已保存。"))
            return redirect(updated)
        asset.refresh_from_db()
    return render(request, "assets/asset_form.html", {"form": form, "asset": asset})


@login_required
@require_http_methods(["GET", "POST"])
def asset_bulk(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "assets.safetyasset.create")
    school = request.membership.unit  # type: ignore[attr-defined]
    form = AssetBulkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = call_service(form, services.asset_bulk_add, actor=request.user, unit=school, **form.service_fields())
        if created is not None:
            messages.success(request, _("已登记 %(n)d 条设施记录。") % {"n": len(created)})
            return redirect("assets:list")
    return render(request, "assets/asset_bulk.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def asset_check(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_for_user(SafetyAsset.objects.select_related("unit"), request.user, pk, action="check")
    form = AssetCheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = call_service(form, services.asset_record_check, actor=request.user, asset=asset, **form.cleaned_data)
        if check is not None:
            messages.success(request, _("检查已记录。"))
            return redirect(asset)
        asset.refresh_from_db()
    return render(request, "assets/asset_check.html", {"form": form, "asset": asset})


def _ledger_rows(assets: Any) -> Iterator[list[Any]]:
    kinds, statuses = dict(AssetKind.choices), dict(AssetStatus.choices)
    today = timezone.localdate()
    for index, asset in enumerate(assets.iterator(chunk_size=2000), start=1):
        state = asset.due_state(today)
        yield [
            index, asset.unit.name, kinds.get(asset.kind, asset.kind), asset.name, asset.location, asset.quantity,
            asset.serial, asset.installed_on, asset.check_cycle_days, asset.last_checked_on, asset.next_check_due,
            asset.expires_on, statuses.get(asset.status, asset.status), asset.due_label() if state else "", asset.note,
        ]  # fmt: skip


LEDGER_HEADERS = [
    gettext_lazy("序号"), gettext_lazy("学校"), gettext_lazy("类别"), gettext_lazy("名称/型号"), gettext_lazy("位置"),
    gettext_lazy("数量"), gettext_lazy("编号"), gettext_lazy("安装/生产日期"), gettext_lazy("检查周期（天）"),
    gettext_lazy("最近检查日期"), gettext_lazy("下次检查期限"), gettext_lazy("有效期至"), gettext_lazy("状态"),
    gettext_lazy("到期提示"), gettext_lazy("备注"),
]  # fmt: skip


@login_required
@require_GET
@use_replica()
def asset_export(request: HttpRequest) -> FileResponse:
    from xiaoan.core.tabular.export import xlsx_response

    ensure_allowed(request.user, "assets.safetyasset.export")
    form = AssetFilterForm(request.GET or None, user=request.user)
    assets = selectors.asset_list(request.user, form.filters(), action="export")
    unit = request.membership.unit  # type: ignore[attr-defined]
    today = timezone.localdate()
    return xlsx_response(
        _ledger_rows(assets),
        headers=[str(header) for header in LEDGER_HEADERS],
        filename=f"{LEDGER}-{today:%Y%m%d}.xlsx",
        sheet_title=str(LEDGER),
        title_line=_("%(unit)s 安全设施设备台帐（%(date)s）") % {"unit": unit.name, "date": f"{today:%Y-%m-%d}"},
    )
