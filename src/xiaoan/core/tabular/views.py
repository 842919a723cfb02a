"""Pages: the import list, the upload form, a job's page with its live progress, and the downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoan.core.errors import DomainError, PermissionDenied
from xiaoan.core.filesweep import retention_days
from xiaoan.core.scoping import ensure_allowed, get_for_user

from . import selectors, services
from .export import XLSX_TYPE, content_disposition, file_response
from .forms import UploadForm
from .models import ImportJob
from .spec import ImportSpec, get_spec
from .workbooks import template_workbook
from .workflow import IMPORT_WORKFLOW


def _spec_or_404(spec_name: str) -> type[ImportSpec]:
    spec = get_spec(spec_name)
    if spec is None:
        raise Http404
    return spec


def _forbidden(request, exc: DomainError) -> HttpResponse:
    return render(request, "tabular/error.html", {"message": exc.message}, status=exc.status_code)


@login_required
def job_list(request):
    context = {"jobs": selectors.recent_jobs(request.user), "specs": selectors.specs_for(request.user)}
    return render(request, "tabular/job_list.html", context)


@login_required
def job_new(request, spec_name: str):
    spec = _spec_or_404(spec_name)
    membership = getattr(request, "membership", None)
    if membership is None:
        raise Http404
    try:
        ensure_allowed(request.user, spec.permission, membership.unit)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_submit(
                actor=request.user, unit=membership.unit, spec_name=spec.name, upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            form.add_error("file", str(exc.message))
        else:
            return redirect(job)
    return render(request, "tabular/job_new.html", {"spec": spec, "form": form, "unit": membership.unit})


def _job_context(request, job: ImportJob) -> dict:
    return {
        "job": job,
        "spec": get_spec(job.spec_name),
        "can_cancel": any(t.name == "cancel" for t in IMPORT_WORKFLOW.available(job, request.user)),
        "is_uploader": job.actor_id == request.user.pk,
        "import_file_days": retention_days(),
    }


@login_required
def job_detail(request, pk: int):
    job = get_for_user(ImportJob.objects.select_related("unit", "actor"), request.user, pk)
    return render(request, "tabular/job_detail.html", _job_context(request, job))


@login_required
def job_progress(request, pk: int):
    job = get_for_user(ImportJob.objects.select_related("unit", "actor"), request.user, pk)
    return render(request, "tabular/_job_progress.html", _job_context(request, job))


@login_required
@require_POST
def job_cancel(request, pk: int):
    job = get_for_user(ImportJob, request.user, pk)
    try:
        services.import_cancel(actor=request.user, job=job)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(job)


@login_required
def error_download(request, pk: int):
    job = get_for_user(ImportJob, request.user, pk)
    if not job.error_file:
        raise Http404
    stem = job.original_name.rsplit(".", 1)[0]
    return file_response(
        job.error_file.open("rb"), filename=_("%(name)s-错误报告.xlsx") % {"name": stem}, content_type=XLSX_TYPE
    )


@login_required
def result_download(request, pk: int):
    job = get_for_user(ImportJob, request.user, pk)
    try:
        content, filename = services.import_take_result(actor=request.user, job=job)
    except DomainError:
        raise Http404 from None
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def template_download(request, spec_name: str):
    spec = _spec_or_404(spec_name)
    return file_response(
        template_workbook(spec), filename=_("%(label)s模板.xlsx") % {"label": spec.label}, content_type=XLSX_TYPE
    )
