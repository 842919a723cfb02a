"""Declarative state machine.

A ``Workflow`` lists transitions (source states, target state, the declared permission that may fire
it, an optional guard and an after-commit side effect). ``fire`` is optimistic: it runs
``UPDATE … SET state = new WHERE pk = … AND state = old`` and treats zero rows as a conflict, so two
officials acting at once get one success and one clear message — never a double transition.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from xiaoan.core.errors import Conflict, TransitionNotAllowed
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope, get_policy

from .models import TransitionLog

Guard = Callable[[Any, Any], Any]  # (obj, actor) -> None when allowed, or a message why not
SideEffect = Callable[[Any, TransitionLog], None]


@dataclass(frozen=True)
class Transition:
    name: str
    source: frozenset[str]
    target: str
    label: Any
    permission: str | None = None  # None: only the system (jobs) may fire it
    guard: Guard | None = None
    after_commit: SideEffect | None = None
    needs_comment: bool = False


@dataclass
class Workflow:
    transitions: Iterable[Transition]
    state_field: str = "state"
    by_name: dict[str, Transition] = dataclass_field(init=False)

    def __post_init__(self) -> None:
        self.by_name = {t.name: t for t in self.transitions}

    def available(self, obj: models.Model, user: Any) -> list[Transition]:
        """Transitions the user could fire now (for buttons); firing re-checks everything."""
        state = getattr(obj, self.state_field)
        policy = get_policy()
        path = getattr(obj, "scope_path", None)
        return [
            t
            for t in self.by_name.values()
            if state in t.source
            and t.permission is not None
            and policy.allows(user, t.permission, path=path)
            and (t.guard is None or t.guard(obj, user) is None)
        ]

    def fire(
        self,
        obj: models.Model,
        name: str,
        *,
        actor: Any,
        comment: str = "",
        system: bool = False,
        changes: dict[str, Any] | None = None,
    ) -> TransitionLog:
        transition = self.by_name.get(name)
        if transition is None:
            raise TransitionNotAllowed(_("未知操作。 Unknown transition."))
        if not system:
            if transition.permission is None:
                raise TransitionNotAllowed(_("此操作只能由系统执行。 Only the system can do this."))
            ensure_in_scope(actor, obj)
            ensure_allowed(actor, transition.permission, obj)
        if transition.needs_comment and not comment.strip():
            raise TransitionNotAllowed(_("请填写说明。 A comment is required."))
        current = getattr(obj, self.state_field)
        if current not in transition.source:
            raise Conflict(
                _("该记录当前状态为“%(state)s”，不能执行“%(action)s”。请刷新后查看。")
                % {"state": _display(obj, self.state_field), "action": transition.label}
            )
        if transition.guard is not None:
            reason = transition.guard(obj, actor)
            if reason is not None:
                raise TransitionNotAllowed(reason)
        changes = dict(changes or {})
        with transaction.atomic():
            updated = (
                type(obj)
                ._base_manager.filter(pk=obj.pk, **{self.state_field: current})
                .update(**{self.state_field: transition.target}, **changes)
            )
            if updated != 1:
                raise Conflict(
                    _("“%(action)s”未执行：他人刚刚处理了该记录。请刷新后查看。 Someone else acted first; reload.")
                    % {"action": transition.label}
                )
            log = TransitionLog.objects.create(
                content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
                object_id=obj.pk,
                transition=transition.name,
                from_state=current,
                to_state=transition.target,
                actor=actor if getattr(actor, "pk", None) else None,
                comment=comment,
            )
            setattr(obj, self.state_field, transition.target)
            for key, value in changes.items():
                setattr(obj, key, value)
            if transition.after_commit is not None:
                effect = transition.after_commit
                transaction.on_commit(lambda: effect(obj, log))
        return log


def _display(obj: models.Model, field_name: str) -> str:
    getter = getattr(obj, f"get_{field_name}_display", None)
    return str(getter()) if getter else str(getattr(obj, field_name))


def history(obj: models.Model) -> models.QuerySet[TransitionLog]:
    """The transition log of one object (the caller has already looked the object up in scope)."""
    return TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True), object_id=obj.pk
    ).select_related("actor")
