"""The hazard workflow (RULES.md "Risk grading and hazards"): transitions, their permissions and unit levels.

登记 reported → 评估定级 graded → 整改 rectifying → 申请验收 acceptance_requested → 验收通过 accepted → 销号 closed,
退回 from acceptance back to rectifying, and 不构成隐患 from reported. The hazard's own unit does its work; when
the hazard is under 挂牌督办, acceptance, return and 销号 pass to the supervising unit (``*_supervised``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from xiaoan.core.workflow.engine import Transition, Workflow
from xiaoan.orgs.policy import active_membership
from xiaoan.orgs.roles import Role

from .models import Hazard, State


def _acting_unit_id(actor: Any) -> int | None:
    membership = active_membership(actor)
    return membership.unit_id if membership else None


def at_own_unit(hazard: Hazard, actor: Any) -> Any:
    if _acting_unit_id(actor) != hazard.unit_id:
        return _("此操作由隐患所在单位办理。 Only the hazard's own unit can do this.")
    return None


def not_supervised_own_unit(hazard: Hazard, actor: Any) -> Any:
    if hazard.is_supervised:
        return _(
            "该隐患已挂牌督办，须由督办单位验收销号。 A listed hazard is accepted and closed by the supervising unit."
        )
    return at_own_unit(hazard, actor)


def by_supervising_unit(hazard: Hazard, actor: Any) -> Any:
    from .models import Supervision

    if not hazard.is_supervised:
        return _("该隐患未挂牌督办。 This hazard is not under listed supervision.")
    supervising = (
        Supervision.objects.system("the supervising unit of a hazard already in scope")
        .filter(hazard=hazard, status=Supervision.Status.OPEN)
        .values_list("supervising_unit_id", flat=True)
        .first()
    )
    if supervising is None or supervising != _acting_unit_id(actor):
        return _("只有督办单位可以验收销号。 Only the supervising unit can accept and close this hazard.")
    return None


def responsible_or_handler(hazard: Hazard, actor: Any) -> Any:
    reason = at_own_unit(hazard, actor)
    if reason is not None:
        return reason
    membership = active_membership(actor)
    if membership.role == Role.STAFF and hazard.responsible_id != actor.pk:
        return _("只有整改责任人或安全管理人员可以申请验收。 Only the responsible person can request acceptance.")
    return None


def _tell(hazard: Hazard, log: Any) -> None:
    from .notices import after_transition

    after_transition(hazard, log)


T = Transition
HAZARD_WORKFLOW = Workflow(
    transitions=[
        T("grade", frozenset({State.REPORTED}), State.GRADED, _("评估定级"), "hazards.hazard.grade", at_own_unit),
        T(
            "reject",
            frozenset({State.REPORTED}),
            State.REJECTED,
            _("不构成隐患"),
            "hazards.hazard.reject",
            at_own_unit,
            needs_comment=True,
            after_commit=_tell,
        ),
        T(
            "assign",
            frozenset({State.GRADED}),
            State.RECTIFYING,
            _("下达整改"),
            "hazards.hazard.assign",
            at_own_unit,
            after_commit=_tell,
        ),
        T(
            "request_acceptance",
            frozenset({State.RECTIFYING}),
            State.ACCEPTANCE_REQUESTED,
            _("申请验收"),
            "hazards.hazard.rectify",
            responsible_or_handler,
            after_commit=_tell,
        ),
        T(
            "accept",
            frozenset({State.ACCEPTANCE_REQUESTED}),
            State.ACCEPTED,
            _("验收通过"),
            "hazards.hazard.accept",
            not_supervised_own_unit,
        ),
        T(
            "return",
            frozenset({State.ACCEPTANCE_REQUESTED}),
            State.RECTIFYING,
            _("退回整改"),
            "hazards.hazard.accept",
            not_supervised_own_unit,
            needs_comment=True,
            after_commit=_tell,
        ),
        T(
            "close",
            frozenset({State.ACCEPTED}),
            State.CLOSED,
            _("销号"),
            "hazards.hazard.close",
            not_supervised_own_unit,
        ),
        T(
            "accept_supervised",
            frozenset({State.ACCEPTANCE_REQUESTED}),
            State.ACCEPTED,
            _("督办单位验收通过"),
            "hazards.hazard.accept_supervised",
            by_supervising_unit,
        ),
        T(
            "return_supervised",
            frozenset({State.ACCEPTANCE_REQUESTED}),
            State.RECTIFYING,
            _("督办单位退回整改"),
            "hazards.hazard.accept_supervised",
            by_supervising_unit,
            needs_comment=True,
            after_commit=_tell,
        ),
        T(
            "close_supervised",
            frozenset({State.ACCEPTED}),
            State.CLOSED,
            _("督办销号"),
            "hazards.hazard.close_supervised",
            by_supervising_unit,
        ),
    ]
)

# transitions that take more than a comment: their own forms and services
FORM_TRANSITIONS = frozenset({"grade", "assign", "request_acceptance"})
