"""Letter pages: the list with rates, writing (from a template), the letter with its roll-up, and its actions."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xiaoan.core.scoping import ensure_allowed, get_for_user, get_policy
from xiaoan.orgs.views import call_service, is_htmx, paginate

from .. import delivery, selectors, services
from ..forms import LetterForm
from ..letter_templates import TEMPLATES
from ..models import Letter, LetterState
from ..workflow import LETTER_WORKFLOW
from . import letter_for


def _styled(form: LetterForm) -> LetterForm:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            widget.attrs.setdefault("class", "form-check-input")
            continue
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.SelectMultiple) else "form-control")
    return form


@login_required
@require_GET
def letter_list(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "families.letter.view")
    page = paginate(request, selectors.visible_letters(request.user).order_by("-created_at", "-pk"))
    rates = selectors.rates_for(request.user, [letter.pk for letter in page])
    context = {
        "page": page,
        "rows": [(letter, rates.get(letter.pk)) for letter in page],
        "can_create": get_policy().allows(request.user, "families.letter.create"),
        "templates": TEMPLATES.values(),
    }
    return render(request, "families/letter_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def letter_create(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "families.letter.create")
    template = TEMPLATES.get(request.GET.get("template", ""))
    initial = {"title": template.title, "body": template.body, "items": "\n".join(template.items)} if template else {}
    form = _styled(LetterForm(request.POST or None, initial=initial, user=request.user))
    if request.method == "POST" and form.is_valid():
        key = template.key if template else ""
        kwargs = form.service_kwargs()
        letter = call_service(form, services.letter_create, actor=request.user, template_key=key, **kwargs)
        if letter is not None:
            return redirect(letter)
    return render(request, "families/letter_form.html", {"form": form, "template": template})


@login_required
@require_http_methods(["GET", "POST"])
def letter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_for_user(Letter, request.user, pk, action="change")
    form = _styled(LetterForm(request.POST or None, initial=LetterForm.initial_from(letter), user=request.user))
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        if call_service(form, services.letter_update, actor=request.user, letter=letter, **kwargs) is not None:
            return redirect(letter)
    return render(request, "families/letter_form.html", {"form": form, "letter": letter})


@login_required
@require_GET
def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter = letter_for(request.user, pk)
    rows = selectors.breakdown(request.user, letter) if letter.state != LetterState.DRAFT else []
    policy = get_policy()
    membership = request.membership  # type: ignore[attr-defined]
    may_remind = policy.allows(request.user, "families.letter.remind")
    context = {
        "letter": letter,
        "rows": rows,
        "total": selectors.total(rows),
        "at_school": membership.unit.is_school,
        "actions": LETTER_WORKFLOW.available(letter, request.user),
        "can_edit": letter.state == LetterState.DRAFT
        and policy.allows(request.user, "families.letter.change", path=letter.scope_path),
        "can_remind": letter.state == LetterState.PUBLISHED and may_remind,
        "can_export": membership.unit.is_school and policy.allows(request.user, "families.receipt.export"),
        "sms": selectors.sms_summary(request.user, letter) if may_remind else {},
    }
    template = "families/_letter_progress.html" if is_htmx(request) else "families/letter_detail.html"
    return render(request, template, context)


@login_required
@require_POST
def letter_publish(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_for_user(Letter, request.user, pk, action="publish")
    services.letter_publish(actor=request.user, letter=letter)
    messages.success(request, _("信件正在发布：系统正在为每名学生生成回执和家长链接，完成后自动发送短信。"))
    return redirect(letter)


@login_required
@require_POST
def letter_archive(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_for_user(Letter, request.user, pk, action="archive")
    services.letter_archive(actor=request.user, letter=letter)
    messages.success(request, _("信件已归档，回执记录长期保存，可随时导出。"))
    return redirect(letter)


@login_required
@require_POST
def letter_remind(request: HttpRequest, pk: int) -> HttpResponse:
    letter = letter_for(request.user, pk)
    count = delivery.letter_remind(actor=request.user, letter=letter)
    messages.success(request, _("已安排向 %(n)d 位尚未回执的家长单独发送提醒短信。") % {"n": count})
    return redirect(letter)
