from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from xiaoan.core.audit.models import AuditKind
from xiaoan.core.audit.services import client_ip, record

from . import lockout

LOCKED_MESSAGE = _(
    "登录失败次数过多，请%(minutes)d分钟后再试。 Too many failed attempts; try again in %(minutes)d minutes."
)
INVALID_MESSAGE = _("用户名或密码不正确。 The user name or password is not correct.")


class LoginForm(AuthenticationForm):
    """Sign-in with lockout per account name and per address; the same answers whether the account exists or not."""

    error_messages = {"invalid_login": INVALID_MESSAGE, "inactive": INVALID_MESSAGE, "locked": LOCKED_MESSAGE}

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self.fields["username"].widget.attrs.update({"class": "form-control", "autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"class": "form-control", "autocomplete": "current-password"})

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not username or not password:
            return self.cleaned_data
        ip = client_ip(self.request)
        if lockout.is_locked(username=username, ip=ip):
            record(AuditKind.LOGIN_FAILED, request=self.request, username=username, detail={"reason": "locked"})
            raise self.locked_error()
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            if lockout.register_failure(username=username, ip=ip):
                record(AuditKind.LOCKOUT, request=self.request, username=username)
                raise self.locked_error()
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        lockout.register_success(username=username)
        return self.cleaned_data

    def locked_error(self) -> forms.ValidationError:
        return forms.ValidationError(locked_message(), code="locked")


def locked_message() -> str:
    return LOCKED_MESSAGE % {"minutes": max(1, settings.XIAOAN_LOCKOUT_SECONDS // 60)}


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("动态口令"),
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=80, widget=forms.TextInput(attrs={"class": "form-control"}))
    membership = forms.TypedChoiceField(
        label=_("以哪个身份访问"), coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )
    days = forms.TypedChoiceField(
        label=_("有效期"),
        coerce=int,
        initial=90,
        choices=[(30, _("30天")), (90, _("90天")), (180, _("180天")), (365, _("365天"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = {m.pk: m for m in memberships}
        self.fields["membership"].choices = [
            (m.pk, f"{m.unit.name} · {m.get_role_display()}") for m in self.memberships.values()
        ]
