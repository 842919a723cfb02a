"""Upload, download and removal of attachments; every file is reached through its owner's scope."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xiaoan.core.errors import DomainError, PermissionDenied

from .forms import UploadForm
from .models import Attachment
from .panel import panel_context
from .selectors import attachment_for_user, owner_for_user
from .services import attachment_add, attachment_remove

INLINE_TYPES = ("image/", "application/pdf")


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    try:
        owner = owner_for_user(request.user, request.POST.get("owner_type", ""), request.POST.get("owner_id"))
    except PermissionDenied:
        raise HttpForbidden from None
    form = UploadForm(request.POST, request.FILES)
    error = None
    if form.is_valid():
        try:
            attachment_add(actor=request.user, owner=owner, upload=form.cleaned_data["file"], **form.service_args())
        except DomainError as exc:
            error = exc.message
    else:
        error = form.first_error()
    return _after_change(request, owner, error, _("附件已上传。 File uploaded."))


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        attachment = attachment_for_user(request.user, pk, owner_action="change")
    except PermissionDenied:
        raise HttpForbidden from None
    error = None
    try:
        attachment_remove(actor=request.user, attachment=attachment)
    except DomainError as exc:
        error = exc.message
    return _after_change(request, attachment.owner, error, _("附件已删除。 File removed."))


@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = _viewable(request, pk)
    inline = request.GET.get("inline") == "1" and attachment.content_type_sniffed.startswith(INLINE_TYPES)
    return file_response(attachment, thumbnail=False, inline=inline)


@login_required
def thumbnail(request: HttpRequest, pk: int) -> FileResponse:
    attachment = _viewable(request, pk)
    if not attachment.thumbnail:
        raise Http404
    return file_response(attachment, thumbnail=True, inline=True)


def file_response(attachment: Attachment, *, thumbnail: bool, inline: bool) -> FileResponse:
    """The stored bytes with headers that stop browsers from guessing, caching publicly or running them."""
    field = attachment.thumbnail if thumbnail else attachment.file
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=attachment.content_type_sniffed)
    name = attachment.download_name
    fallback = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "").replace("\\", "")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    if attachment.content_type_sniffed != "application/pdf":  # a sandbox stops the browser's PDF viewer
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


def _viewable(request: HttpRequest, pk: int) -> Attachment:
    try:
        return attachment_for_user(request.user, pk)
    except PermissionDenied:
        raise HttpForbidden from None


def _after_change(request: HttpRequest, owner, error, success: str) -> HttpResponse:
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    if request.headers.get("HX-Request"):
        context = panel_context(owner, can_change=True, next_url=next_url, error=error)
        return render(request, "attachments/_panel_body.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, success)
    return redirect(next_url or "home")
