"""Checklist templates: the list of those the user may use, one template (any version), and the editor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xiaoan.core.errors import DomainError
from xiaoan.core.scoping import ensure_allowed, get_for_user
from xiaoan.orgs.views import call_service, is_htmx, paginate

from .. import selectors, services
from ..forms import ItemForm, SectionForm, TemplateForm
from ..models import ChecklistTemplate, Item, Section


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.template_list(request.user))
    can_create = selectors.may(request.user, "inspections.checklisttemplate.create")
    return render(request, "inspections/template_list.html", {"page": page, "can_create": can_create})


@login_required
@require_GET
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_for_user(ChecklistTemplate, request.user, pk)
    number = request.GET.get("v", "")
    version = get_object_or_404(template.versions, number=int(number) if number.isdigit() else template.version)
    context = {
        "template": template,
        "version": version,
        "sections": selectors.version_sections(version),
        "versions": selectors.template_versions(template),
        "can_edit": template.owner_id is not None
        and selectors.may(request.user, "inspections.checklisttemplate.change", template),
    }
    return render(request, "inspections/template_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "inspections.checklisttemplate.create")
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        template = call_service(form, services.template_create, actor=request.user, **form.cleaned_data)
        if template is not None:
            messages.success(request, _("模板已创建，请添加检查项。"))
            return redirect("inspections:template_edit", pk=template.pk)
    return render(request, "inspections/template_form.html", {"form": form})


def _editor(request: HttpRequest, template: ChecklistTemplate, **forms: object) -> HttpResponse:
    version = services.current_version(template)
    sections = selectors.version_sections(version)
    context = {
        "template": template,
        "version": version,
        "sections": sections,
        "section_form": forms.get("section_form") or SectionForm(),
        "item_form": forms.get("item_form") or ItemForm(sections=sections),
    }
    name = "inspections/_editor.html" if is_htmx(request) else "inspections/template_edit.html"
    return render(request, name, context)


@login_required
@require_GET
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_for_user(ChecklistTemplate, request.user, pk, action="change")
    return _editor(request, template)


@login_required
@require_POST
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_for_user(ChecklistTemplate, request.user, pk, action="change")
    form = SectionForm(request.POST)
    if form.is_valid() and call_service(
        form, services.section_add, actor=request.user, template=template, **form.cleaned_data
    ):
        form = SectionForm()
    return _editor(request, template, section_form=form)


@login_required
@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_for_user(ChecklistTemplate, request.user, pk, action="change")
    sections = selectors.version_sections(services.current_version(template))
    form = ItemForm(request.POST, sections=sections)
    if form.is_valid():
        data = dict(form.cleaned_data)
        section = next(s for s in sections if s.pk == data.pop("section"))
        if call_service(form, services.item_add, actor=request.user, template=template, section=section, **data):
            template.refresh_from_db()
            fresh = selectors.version_sections(services.current_version(template))
            form = ItemForm(sections=fresh, initial={"section": _same_section(section, fresh)})
    return _editor(request, template, item_form=form)


def _same_section(section: Section, sections: list[Section]) -> int | None:
    return next((s.pk for s in sections if s.order == section.order), None)


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    template = get_for_user(ChecklistTemplate, request.user, pk, action="change")
    item = get_object_or_404(Item, pk=item_pk, section__version__template=template)
    try:
        services.item_remove(actor=request.user, template=template, item=item)
    except DomainError as exc:
        if exc.status_code in (403, 404):
            raise
        messages.error(request, str(exc.message))
    template.refresh_from_db()
    return _editor(request, template)
