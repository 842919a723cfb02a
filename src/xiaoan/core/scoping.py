"""Scoping primitives: every tenant-owned queryset goes through ``for_user``.

Core knows nothing of the org tree. A model declares ``scope_path_lookup`` (the ORM path from the
model to a materialised tree path, e.g. ``"unit__path"``); the org app registers a *policy* at start-up
that tells, for a user, the path prefix they may see and whether their role may perform an action.

While a request is being served the *scope guard* is on: evaluating a scoped queryset that did not go
through ``for_user`` (or an explicit, reasoned ``unscoped``) raises ``UnscopedQueryError``. That turns a
forgotten filter — a data leak between counties — into a failing test.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any, Protocol, TypeVar

from django.db import models
from django.http import Http404

from .errors import PermissionDenied

_guard_active: contextvars.ContextVar[bool] = contextvars.ContextVar("xiaoan_scope_guard", default=False)


class UnscopedQueryError(RuntimeError):
    """A scoped model was queried during a request without ``for_user``."""


class ScopePolicy(Protocol):
    def path_prefix(self, user: Any) -> str | None:
        """The tree path the user may see, or None for nothing."""

    def allows(self, user: Any, permission: str, *, path: str | None = None) -> bool:
        """Whether the user's role grants ``permission`` (optionally for an object at ``path``)."""

    def capacity(self, user: Any) -> int | None:
        """An opaque id of the capacity the user acts in now (kept by background jobs)."""

    def act_in(self, user: Any, capacity: int | None) -> None:
        """Bind the user to a recorded capacity, so a job runs as the user acted when submitting it."""


_policy: ScopePolicy | None = None


def register_policy(policy: ScopePolicy) -> None:
    global _policy
    _policy = policy


def get_policy() -> ScopePolicy:
    if _policy is None:
        raise RuntimeError("No scope policy registered")
    return _policy


@contextlib.contextmanager
def guard(active: bool = True) -> Iterator[None]:
    token = _guard_active.set(active)
    try:
        yield
    finally:
        _guard_active.reset(token)


@contextlib.contextmanager
def unscoped(reason: str) -> Iterator[None]:
    """System reads that legitimately cross the tree (uniqueness checks, public links, jobs)."""
    if not reason:
        raise ValueError("unscoped() needs a reason")
    with guard(False):
        yield


def permission_name(model: type[models.Model], action: str) -> str:
    if "." in action:
        return action
    return f"{model._meta.app_label}.{model._meta.model_name}.{action}"


_M = TypeVar("_M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[_M]):
    _xa_scoped = False

    def _clone(self):  # type: ignore[override]
        clone = super()._clone()
        clone._xa_scoped = self._xa_scoped
        return clone

    def for_user(self, user: Any, action: str = "view") -> ScopedQuerySet[_M]:
        """Only the rows in the user's part of the tree, and none if the role lacks the permission."""
        policy = get_policy()
        prefix = policy.path_prefix(user)
        perm = permission_name(self.model, action)
        if prefix is None or not policy.allows(user, perm):
            qs = self.none()
        else:
            lookup = self.model.scope_path_lookup  # type: ignore[attr-defined]
            qs = self.filter(**{f"{lookup}__startswith": prefix})
        qs._xa_scoped = True
        return qs

    def within(self, path: str) -> ScopedQuerySet[_M]:
        """Rows under a tree path (a subset of an already scoped queryset, or a system job)."""
        lookup = self.model.scope_path_lookup  # type: ignore[attr-defined]
        return self.filter(**{f"{lookup}__startswith": path})

    def system(self, reason: str) -> ScopedQuerySet[_M]:
        """Explicitly unscoped for a system job or a public link; ``reason`` documents why."""
        if not reason:
            raise ValueError("system() needs a reason")
        clone = self._clone()
        clone._xa_scoped = True
        return clone

    # --- the guard ---------------------------------------------------------------------------
    def _xa_check(self) -> None:
        if self._xa_scoped or not _guard_active.get():
            return
        if getattr(self, "_hints", {}).get("instance") is not None:
            return  # a related manager of an object that was itself looked up in scope
        raise UnscopedQueryError(
            f"{self.model.__name__} queried without for_user() during a request; "
            "use Model.objects.for_user(user, action) or get_for_user()."
        )

    def _fetch_all(self):
        self._xa_check()
        super()._fetch_all()

    def count(self):
        self._xa_check()
        return super().count()

    def exists(self):
        self._xa_check()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._xa_check()
        return super().aggregate(*args, **kwargs)

    def iterator(self, chunk_size=None):
        self._xa_check()
        return super().iterator(chunk_size=chunk_size)

    def update(self, **kwargs):
        self._xa_check()
        return super().update(**kwargs)

    def delete(self):
        self._xa_check()
        return super().delete()


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class ScopedModel(models.Model):
    """Base for tenant-owned models: ``objects.for_user(user, action)`` is the way in."""

    scope_path_lookup = "unit__path"

    objects = ScopedManager()

    class Meta:
        abstract = True

    def _perform_unique_checks(self, unique_checks):
        with unscoped("uniqueness is global, not per tenant"):
            return super()._perform_unique_checks(unique_checks)

    def validate_constraints(self, exclude=None):
        with unscoped("constraints are global, not per tenant"):
            return super().validate_constraints(exclude=exclude)

    @property
    def scope_path(self) -> str:
        obj: Any = self
        for part in self.scope_path_lookup.split("__"):
            obj = getattr(obj, part)
        return str(obj)


def get_for_user(model_or_qs: Any, user: Any, pk: Any, action: str = "view", **lookups: Any) -> Any:
    """One object in the user's scope: 404 when missing *or* out of scope, 403 when the role may not act."""
    qs: Any = model_or_qs if isinstance(model_or_qs, models.QuerySet) else model_or_qs.objects
    model = qs.model
    try:
        obj = qs.for_user(user, "view").get(pk=pk, **lookups)
    except (model.DoesNotExist, ValueError, TypeError, OverflowError):  # overflow: an id too large for SQLite
        raise Http404 from None
    if action != "view":
        ensure_allowed(user, permission_name(model, action), obj)
    return obj


def ensure_allowed(user: Any, permission: str, obj: Any = None) -> None:
    path = obj.scope_path if obj is not None and hasattr(obj, "scope_path") else None
    if not get_policy().allows(user, permission, path=path):
        raise PermissionDenied()


def ensure_in_scope(user: Any, obj: Any) -> None:
    """Service-layer check before and after a write: the object must sit under the user's path."""
    from .errors import OutOfScope

    prefix = get_policy().path_prefix(user)
    if prefix is None or not str(obj.scope_path).startswith(prefix):
        raise OutOfScope()


class ScopeGuardMiddleware:
    """Turns the guard on for the whole request (pages and API)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with guard(True):
            return self.get_response(request)
