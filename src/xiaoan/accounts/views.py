"""Sign-in, second factor, password, identity switch, profile and personal access tokens."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from xiaoan.core.audit.models import AuditKind
from xiaoan.core.audit.services import client_ip, record
from xiaoan.core.errors import InvalidInput
from xiaoan.orgs.models import Membership
from xiaoan.orgs.services import membership_switch

from . import lockout, services, totp
from .forms import CodeForm, LoginForm, TokenCreateForm, locked_message
from .middleware import IDLE_LOGGED_OUT_KEY, SECOND_FACTOR_PENDING_KEY
from .models import AccessToken
from .passwords import password_expired


def _next_url(request, default: str = "home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse(default)


@sensitive_post_parameters("password")
@never_cache
def login_view(request):
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    idle = request.session.pop(IDLE_LOGGED_OUT_KEY, False)
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        auth_login(request, user)
        if user.totp_confirmed:
            request.session[SECOND_FACTOR_PENDING_KEY] = True
            query = urlencode({"next": _next_url(request)})
            return redirect(reverse("accounts:second_factor") + "?" + query)
        return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "idle": idle, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request):
    auth_logout(request)
    return redirect("accounts:login")


@sensitive_post_parameters("code")
@never_cache
@login_required
def second_factor(request):
    """The code step of a sign-in; wrong codes count towards the same lockout as wrong passwords."""
    if not request.session.get(SECOND_FACTOR_PENDING_KEY):
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, ip = request.user, client_ip(request)
        if not lockout.is_locked(username=user.username, ip=ip) and totp.verify(user, form.cleaned_data["code"]):
            lockout.register_success(username=user.username)
            del request.session[SECOND_FACTOR_PENDING_KEY]
            request.session.cycle_key()
            record(AuditKind.LOGIN, request=request, detail={"stage": "totp"})
            return redirect(_next_url(request))
        record(AuditKind.LOGIN_FAILED, request=request, username=user.username, detail={"stage": "totp"})
        if lockout.is_locked(username=user.username, ip=ip) or lockout.register_failure(username=user.username, ip=ip):
            record(AuditKind.LOCKOUT, request=request, username=user.username)
            auth_logout(request)
            messages.error(request, locked_message())
            return redirect("accounts:login")
        form.add_error("code", _("动态口令不正确，请重新输入。 The code is not correct; try again."))
    return render(request, "accounts/second_factor.html", {"form": form, "page_title": _("动态口令验证")})


@sensitive_post_parameters("code")
@never_cache
@login_required
def totp_setup(request):
    if request.user.totp_confirmed:
        return redirect("accounts:profile")
    secret = services.totp_begin(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_confirm(user=request.user, code=form.cleaned_data["code"], request=request)
        except InvalidInput as exc:
            form.add_error("code", str(exc.message))
        else:
            messages.success(request, _("动态口令已启用。 TOTP is now enabled."))
            return redirect(_next_url(request, "accounts:profile"))
    uri = totp.provisioning_uri(request.user, secret)
    context = {
        "form": form,
        "secret": secret,
        "qr_svg": totp.qr_svg(uri),
        "required": totp.totp_required(request.user),
        "page_title": _("启用动态口令"),
    }
    return render(request, "accounts/totp_setup.html", context)


@sensitive_post_parameters("code")
@require_POST
@login_required
def totp_disable(request):
    form = CodeForm(request.POST)
    code = form.cleaned_data["code"] if form.is_valid() else ""
    services.totp_disable(user=request.user, code=code, request=request)
    messages.success(request, _("动态口令已停用。 TOTP is now off."))
    return redirect("accounts:profile")


@sensitive_post_parameters()
@never_cache
@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-control"
    if request.method == "POST" and form.is_valid():
        user = services.password_change(
            user=request.user, new_password=form.cleaned_data["new_password1"], request=request
        )
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改。 Your password has been changed."))
        return redirect(_next_url(request))
    context = {
        "form": form,
        "forced": request.user.must_change_password,
        "expired": password_expired(request.user),
        "page_title": _("修改密码"),
    }
    return render(request, "accounts/password_change.html", context)


@login_required
def profile(request):
    memberships = Membership.objects.of_owner(request.user).select_related("unit")
    context = {
        "memberships": memberships,
        "totp_required": totp.totp_required(request.user),
        "code_form": CodeForm(),
        "page_title": _("个人设置"),
    }
    return render(request, "accounts/profile.html", context)


@login_required
def switch(request):
    if request.method == "POST":
        membership = membership_switch(user=request.user, membership_id=_int(request.POST.get("membership")))
        messages.success(
            request, _("已切换到：%(m)s") % {"m": f"{membership.unit.name} · {membership.get_role_display()}"}
        )
        return redirect(_next_url(request))
    memberships = Membership.objects.of_owner(request.user).select_related("unit")
    return render(request, "accounts/switch.html", {"memberships": memberships, "page_title": _("切换身份")})


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@never_cache
@login_required
def tokens(request):
    memberships = list(Membership.objects.of_owner(request.user).select_related("unit"))
    form = TokenCreateForm(request.POST or None, memberships=memberships)
    plaintext = None
    if request.method == "POST" and form.is_valid():
        _token, plaintext = services.token_create(
            user=request.user,
            membership=form.memberships[form.cleaned_data["membership"]],
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
            request=request,
        )
        form = TokenCreateForm(memberships=memberships)
    own = AccessToken.objects.filter(user=request.user).select_related("membership__unit")
    context = {"form": form, "tokens": own, "plaintext": plaintext, "page_title": _("个人访问令牌")}
    return render(request, "accounts/tokens.html", context)


@require_POST
@login_required
def token_revoke(request, pk: int):
    token = get_object_or_404(AccessToken, pk=pk, user=request.user)
    services.token_revoke(user=request.user, token=token, request=request)
    messages.success(request, _("令牌已吊销。 The token has been revoked."))
    return redirect("accounts:tokens")
