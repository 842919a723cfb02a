"""People pages: the list of people with a post in scope, a person's page and the account actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xiaoan.core.errors import DomainError
from xiaoan.core.scoping import ensure_allowed, get_for_user, get_policy

from .. import selectors, services
from ..forms import MembershipGrantForm, PersonCreateForm, PersonFilterForm
from ..models import Membership, User
from . import call_service, is_htmx, paginate, querystring_without_page


@login_required
@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "orgs.user.view")
    form = PersonFilterForm(request.GET or None, user=request.user)
    page = paginate(request, selectors.people_list(request.user, form.filters()))
    policy = get_policy()
    context = {
        "form": form,
        "page": page,
        "querystring": querystring_without_page(request),
        "can_create": policy.allows(request.user, "orgs.user.create"),
        "can_import": policy.allows(request.user, "orgs.user.import"),
    }
    template = "orgs/_people_table.html" if is_htmx(request) else "orgs/people_list.html"
    return render(request, template, context)


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_for_user(User, request.user, pk)
    policy = get_policy()
    can_grant = policy.allows(request.user, "orgs.membership.create")
    context = {
        "person": person,
        "posts": selectors.person_posts(request.user, person),
        "can_manage": policy.allows(request.user, "orgs.user.change") and person.pk != request.user.pk,
        "can_end": policy.allows(request.user, "orgs.membership.change"),
        "grant_form": MembershipGrantForm(user=request.user) if can_grant else None,
    }
    return render(request, "orgs/person_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def person_create(request: HttpRequest) -> HttpResponse:
    ensure_allowed(request.user, "orgs.user.create")
    form = PersonCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        created = call_service(form, services.user_create, actor=request.user, **form.cleaned_data)
        if created is not None:
            person, password = created
            return _password_page(request, person, password, _("账号已创建"))
    return render(request, "orgs/person_form.html", {"form": form})


@login_required
@require_POST
def membership_grant(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_for_user(User, request.user, pk, action="orgs.membership.create")
    form = MembershipGrantForm(request.POST, user=request.user)
    granted = form.is_valid() and call_service(
        form, services.membership_grant, actor=request.user, user=person, **form.cleaned_data
    )
    if granted:
        messages.success(request, _("已授予任职。"))
    else:
        messages.error(request, " ".join(str(message) for errors in form.errors.values() for message in errors))
    return redirect("orgs:person_detail", pk=person.pk)


@login_required
@require_POST
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_for_user(Membership, request.user, pk, action="change")
    _act(request, services.membership_end, _("任职已结束。"), membership=membership)
    return redirect("orgs:person_detail", pk=membership.user_id)


@login_required
@require_POST
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_for_user(User, request.user, pk, action="change")
    _act(request, services.user_deactivate, _("账号已停用，其登录会话已全部结束。"), user=person)
    return redirect("orgs:person_detail", pk=person.pk)


@login_required
@require_POST
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_for_user(User, request.user, pk, action="change")
    _act(request, services.user_reactivate, _("账号已重新启用。"), user=person)
    return redirect("orgs:person_detail", pk=person.pk)


@login_required
@require_POST
@never_cache
def person_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_for_user(User, request.user, pk, action="change")
    password = _act(request, services.user_reset_password, None, user=person)
    if password is None:
        return redirect("orgs:person_detail", pk=person.pk)
    return _password_page(request, person, password, _("密码已重置"))


@login_required
@require_POST
def person_reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_for_user(User, request.user, pk, action="change")
    _act(request, services.user_reset_second_factor, _("动态口令已清除，该用户下次登录时重新设置。"), user=person)
    return redirect("orgs:person_detail", pk=person.pk)


def _act(request: HttpRequest, service: Callable[..., Any], done: str | None, **kwargs: Any) -> Any:
    """Run an account action; a refusal (e.g. the account also holds a post above you) becomes a message."""
    try:
        result = service(actor=request.user, **kwargs)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return None
    if done:
        messages.success(request, done)
    return result


def _password_page(request: HttpRequest, person: User, password: str, heading: str) -> HttpResponse:
    """The temporary password, shown once: this response is never cached and never shown again."""
    context = {"person": person, "password": password, "heading": heading}
    return render(request, "orgs/person_password.html", context)
