"""Writes to the org tree and its people. Every write checks scope before and after itself."""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from xiaoan.core.errors import InvalidInput, OutOfScope
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope, unscoped

from .models import Membership, Unit, User
from .policy import active_membership
from .roles import Role, UnitKind

UNIT_FIELDS = (
    "name short_name kind code stage is_boarding pupils boarders staff_count runs_buses address latitude "
    "longitude phone is_active"
).split()


def _insert_unit(*, parent: Unit | None, **fields: Any) -> Unit:
    unit = Unit(parent=parent, **fields)
    unit.full_clean(exclude=["path", "depth"])
    unit.save()
    unit.path = unit.compute_path()
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    return unit


@transaction.atomic
def unit_create(*, actor: User, parent: Unit, **fields: Any) -> Unit:
    """Create a unit under ``parent``, which must be in the actor's part of the tree."""
    ensure_in_scope(actor, parent)
    ensure_allowed(actor, "orgs.unit.create", parent)
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise InvalidInput(_("未知字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    unit = _insert_unit(parent=parent, **fields)
    ensure_in_scope(actor, unit)
    return unit


@transaction.atomic
def unit_create_root(**fields: Any) -> Unit:
    """The city bureau: created by the installer (createadmin / seed), never through a page."""
    return _insert_unit(parent=None, kind=UnitKind.CITY_BUREAU, **{k: v for k, v in fields.items() if k != "kind"})


@transaction.atomic
def unit_update(*, actor: User, unit: Unit, parent: Unit | None = None, **fields: Any) -> Unit:
    """Change a unit's attributes, or move it under another parent inside the actor's part of the tree."""
    ensure_in_scope(actor, unit)
    ensure_allowed(actor, "orgs.unit.change", unit)
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise InvalidInput(_("未知字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    if "kind" in fields and fields["kind"] != unit.kind and unit.children.exists():
        raise InvalidInput(_("该单位下还有单位，不能修改类别。 A unit with units below cannot change kind."))
    for key, value in fields.items():
        setattr(unit, key, value)
    moving = parent is not None and parent.pk != unit.parent_id
    if moving:
        assert parent is not None
        ensure_in_scope(actor, parent)
        if parent.path.startswith(unit.path):
            raise InvalidInput(_("不能把单位移到它自己的下级。 A unit cannot move below itself."))
        if unit.path == active_membership(actor).unit.path:
            raise OutOfScope()
        unit.parent = parent
    unit.full_clean(exclude=["path", "depth"])
    unit.save()
    if moving:
        _move_subtree(unit)
    unit.refresh_from_db()
    ensure_in_scope(actor, unit)
    return unit


def _move_subtree(unit: Unit) -> None:
    old_path = unit.path
    new_path = unit.compute_path()
    assert unit.parent is not None
    depth_delta = unit.parent.depth + 1 - unit.depth
    with unscoped("re-rooting a subtree the actor owns"):
        Unit.objects.filter(path__startswith=old_path).update(
            path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1, Length(F("path")))),
            depth=F("depth") + depth_delta,
        )


# --- people -------------------------------------------------------------------------------------


def generate_password(length: int = 12) -> str:
    """A temporary password that satisfies the policy (all four character classes)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        core = "".join(secrets.choice(alphabet) for _ in range(length - 2))
        candidate = core + secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + secrets.choice("23456789") + "#"
        if sum(bool(set(candidate) & set(cls)) for cls in (string.ascii_lowercase, string.ascii_uppercase)) == 2:
            return candidate


def ensure_account_manageable(actor: User, user: User) -> None:
    """An administrator manages an account only if every active membership of it lies in their subtree.

    Otherwise a county administrator could reset the password of a city officer who also holds a
    post at a school in that county.
    """
    ensure_allowed(actor, "orgs.user.change")
    prefix = active_membership(actor).unit.path
    memberships = Membership.objects.system("checking an account's reach").filter(user=user, is_active=True)
    paths = list(memberships.values_list("unit__path", flat=True))
    if not paths or any(not path.startswith(prefix) for path in paths):
        raise OutOfScope()
    if user.pk == actor.pk:
        raise InvalidInput(_("不能在此管理自己的账号。 Manage your own account on the profile page."))


@transaction.atomic
def user_create(
    *,
    actor: User,
    unit: Unit,
    role: str,
    username: str,
    full_name: str,
    phone: str = "",
    email: str = "",
    title: str = "",
    password: str | None = None,
) -> tuple[User, str]:
    """Create an account with one membership; returns the user and the temporary password to hand over."""
    ensure_in_scope(actor, unit)
    ensure_allowed(actor, "orgs.user.create", unit)
    if role not in Role.values:
        raise InvalidInput(_("未知角色。 Unknown role."))
    temporary = password or generate_password()
    user = User(username=username.strip(), full_name=full_name.strip(), phone=phone.strip(), email=email.strip())
    try:
        user.full_clean(exclude=["password", "active_membership"])
        validate_password(temporary, user)
    except ValidationError as exc:
        raise InvalidInput("; ".join(exc.messages)) from exc
    user.set_password(temporary)
    user.must_change_password = password is None
    user.save()
    membership = membership_grant(actor=actor, user=user, unit=unit, role=role, title=title, _new_user=True)
    user.active_membership = membership
    user.save(update_fields=["active_membership"])
    return user, temporary


@transaction.atomic
def membership_grant(
    *, actor: User, user: User, unit: Unit, role: str, title: str = "", _new_user: bool = False
) -> Membership:
    ensure_in_scope(actor, unit)
    ensure_allowed(actor, "orgs.membership.create", unit)
    if role not in Role.values:
        raise InvalidInput(_("未知角色。 Unknown role."))
    if not _new_user and not User.objects.for_user(actor).filter(pk=user.pk).exists():
        raise OutOfScope()
    membership, created = Membership.objects.system("upsert of one membership").get_or_create(
        user=user, unit=unit, role=role, defaults={"title": title}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.title = title or membership.title
        membership.save(update_fields=["is_active", "title"])
    ensure_in_scope(actor, membership)
    return membership


@transaction.atomic
def membership_end(*, actor: User, membership: Membership) -> Membership:
    ensure_in_scope(actor, membership)
    ensure_allowed(actor, "orgs.membership.change", membership)
    if membership.user_id == actor.pk and membership.pk == active_membership(actor).pk:
        raise InvalidInput(_("不能结束自己当前使用的身份。 You cannot end the post you are acting in."))
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    user = membership.user
    if user.active_membership_id == membership.pk:
        user.active_membership = None
        user.save(update_fields=["active_membership"])
    return membership


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """Deactivate an account: its sessions and tokens stop working on their next request."""
    ensure_account_manageable(actor, user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    from django.contrib.sessions.models import Session

    _end_sessions(Session, user)
    return user


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> User:
    ensure_account_manageable(actor, user)
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_reset_password(*, actor: User, user: User) -> str:
    """Set a temporary password the user must change at next sign-in; other sessions end."""
    ensure_account_manageable(actor, user)
    temporary = generate_password()
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    from django.contrib.sessions.models import Session

    _end_sessions(Session, user)
    return temporary


@transaction.atomic
def user_reset_second_factor(*, actor: User, user: User) -> User:
    """For a lost phone: clear the user's TOTP; they enrol again at next sign-in (where it is required)."""
    ensure_account_manageable(actor, user)
    if not user.totp_confirmed and not user.totp_secret:
        raise InvalidInput(_("该账号未启用动态口令。 This account has no one-time code set up."))
    user.totp_secret = ""
    user.totp_confirmed = False
    user.save(update_fields=["totp_secret", "totp_confirmed"])
    from django.contrib.sessions.models import Session

    _end_sessions(Session, user)
    return user


def _end_sessions(session_model: Any, user: User) -> None:
    from .sessions import session_keys_for

    session_model.objects.filter(session_key__in=session_keys_for(user)).delete()


@transaction.atomic
def membership_switch(*, user: User, membership_id: int) -> Membership:
    """Make another of the user's own memberships the active one."""
    membership = Membership.objects.of_owner(user).filter(pk=membership_id).first()
    if membership is None:
        raise OutOfScope()
    user.active_membership = membership
    user.save(update_fields=["active_membership"])
    user._xa_membership = membership  # type: ignore[attr-defined]
    return membership
