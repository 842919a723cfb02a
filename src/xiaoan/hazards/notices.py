"""Who hears of what: notification events of the hazard module and the queued jobs that send them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xiaoan.core.notifications.services import notify
from xiaoan.orgs.models import Membership, User
from xiaoan.orgs.roles import Role

from .models import Hazard, State, Supervision, SupervisionReport

HANDLER_ROLES = (Role.LEADER, Role.SAFETY_OFFICER)

EVENTS = {
    "hazards.reported": (
        _("新隐患待定级：{{ hazard.number }}"),
        _(
            "{{ hazard.unit.name }}报告了一项隐患（{{ hazard.get_category_display }}，"
            "{{ hazard.place }}），请评估定级。"
        ),
    ),
    "hazards.assigned": (
        _("隐患整改任务：{{ hazard.number }}"),
        _("您被指定为隐患“{{ hazard.place }}”的整改责任人，整改期限 {{ hazard.deadline|date:'Y-m-d' }}。"),
    ),
    "hazards.acceptance_requested": (
        _("隐患待验收：{{ hazard.number }}"),
        _("{{ hazard.unit.name }}已完成隐患“{{ hazard.place }}”的整改并申请验收。"),
    ),
    "hazards.returned": (
        _("隐患整改被退回：{{ hazard.number }}"),
        _("隐患“{{ hazard.place }}”的整改未通过验收，已退回整改：{{ comment }}"),
    ),
    "hazards.rejected": (
        _("隐患报告已处理：{{ hazard.number }}"),
        _("您报告的“{{ hazard.place }}”经核实不构成隐患：{{ comment }}"),
    ),
    "hazards.deadline_near": (
        _("隐患整改即将到期（{{ count }} 项）"),
        _("您负责的 {{ count }} 项隐患整改将在 {{ days }} 天内到期：{{ numbers }}。"),
    ),
    "hazards.overdue": (
        _("隐患整改逾期（{{ count }} 项）"),
        _("{{ unit.name }}辖区有 {{ count }} 项隐患超过整改期限仍未完成：{{ numbers }}。请督促整改，必要时挂牌督办。"),
    ),
    "hazards.supervised": (
        _("隐患挂牌督办：{{ hazard.number }}"),
        _(
            "{{ supervision.supervising_unit.name }}对隐患“{{ hazard.place }}”挂牌督办，督办期限"
            " {{ supervision.deadline|date:'Y-m-d' }}。报告要求：{{ supervision.required_reports }}"
        ),
    ),
    "hazards.progress": (
        _("督办进展报告：{{ hazard.number }}"),
        _("{{ hazard.unit.name }}报送了督办隐患“{{ hazard.place }}”的整改进展。"),
    ),
}


def register_events() -> None:
    from xiaoan.core.notifications.registry import register_event

    for key, (title, body) in EVENTS.items():
        register_event(key, title, body)


def handlers_of(unit_ids: Iterable[int]) -> list[User]:
    """The leaders and safety officers of the given units (one query)."""
    member_ids = (
        Membership.objects.system("who handles hazards at these units")
        .filter(unit_id__in=list(unit_ids), role__in=HANDLER_ROLES, is_active=True)
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=member_ids, is_active=True))


def _hazard(pk: int) -> Hazard | None:
    return Hazard.objects.system("a queued notification job").select_related("unit").filter(pk=pk).first()


def _url(hazard: Hazard) -> str:
    return reverse("hazards:detail", args=[hazard.pk])


def tell_handlers_of_report(hazard_id: int) -> None:
    hazard = _hazard(hazard_id)
    if hazard is not None and hazard.state == State.REPORTED:
        notify(handlers_of([hazard.unit_id]), "hazards.reported", {"hazard": hazard, "url": _url(hazard)})


def after_transition(hazard: Hazard, log: Any) -> None:
    """Side effects after a committed step: the next person in line hears of it."""
    context = {"hazard": hazard, "comment": log.comment, "url": _url(hazard)}
    name = log.transition
    if name == "assign" and hazard.responsible_id:
        notify(User.objects.filter(pk=hazard.responsible_id), "hazards.assigned", context)
    elif name == "request_acceptance":
        unit_ids = [hazard.unit_id]
        supervising = _open_supervision(hazard)
        if supervising is not None:
            unit_ids = [supervising.supervising_unit_id]
        notify(handlers_of(unit_ids), "hazards.acceptance_requested", context)
    elif name in ("return", "return_supervised") and hazard.responsible_id:
        notify(User.objects.filter(pk=hazard.responsible_id), "hazards.returned", context)
    elif name == "reject" and hazard.reported_by_id:
        notify(User.objects.filter(pk=hazard.reported_by_id), "hazards.rejected", context)


def _open_supervision(hazard: Hazard) -> Supervision | None:
    return (
        Supervision.objects.system("the supervision of a hazard just moved")
        .filter(hazard=hazard, status=Supervision.Status.OPEN)
        .first()
    )


def tell_of_supervision(supervision_id: int) -> None:
    supervision = (
        Supervision.objects.system("a queued notification job")
        .select_related("hazard__unit", "supervising_unit")
        .filter(pk=supervision_id)
        .first()
    )
    if supervision is None:
        return
    hazard = supervision.hazard
    context = {"hazard": hazard, "supervision": supervision, "url": _url(hazard)}
    notify(handlers_of([hazard.unit_id]), "hazards.supervised", context)


def tell_of_progress(report_id: int) -> None:
    report = (
        SupervisionReport.objects.system("a queued notification job")
        .select_related("supervision__hazard__unit", "supervision__leader")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        return
    supervision = report.supervision
    hazard = supervision.hazard
    recipients = [supervision.leader, *handlers_of([supervision.supervising_unit_id])]
    notify(recipients, "hazards.progress", {"hazard": hazard, "url": _url(hazard)})
