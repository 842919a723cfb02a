"""The fire-work ledger (消防工作台帐) of one school for a month, a semester or a year."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xiaoan.core.scoping import ensure_allowed

from ..forms import LedgerForm, ledger_window
from ..ledger import fire_sheets, workbook_response


@login_required
@require_GET
def fire_ledger(request: HttpRequest) -> HttpResponseBase:
    ensure_allowed(request.user, "inspections.ledger.export")
    form = LedgerForm(request.GET or None, user=request.user)
    if not request.GET or not form.is_valid():
        return render(request, "inspections/ledger.html", {"form": form})
    school = form.cleaned_data["school"]
    start, end = ledger_window(form.cleaned_data["period"], form.cleaned_data["day"])
    title = _("%(school)s 消防工作台帐（%(start)s 至 %(end)s）") % {"school": school.name, "start": start, "end": end}
    filename = f"{_('消防工作台帐')}-{school.name}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    return workbook_response(fire_sheets(request.user, school, start, end), filename=filename, title_line=title)
