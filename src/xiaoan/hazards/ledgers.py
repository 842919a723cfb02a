"""The three lists (隐患清单、责任清单、整改清单): their columns, shared by the page, the xlsx and the PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Hazard, State


@dataclass(frozen=True)
class Column:
    header: Any
    value: Callable[[Hazard, dt.date], Any]
    width_mm: float = 20


def _date(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


def _status(hazard: Hazard, today: dt.date) -> str:
    label = str(hazard.get_state_display())
    if hazard.is_overdue_on(today):
        label += "（" + str(_("逾期")) + "）"
    if hazard.is_supervised:
        label += "（" + str(_("督办")) + "）"
    return label


def _person(user: Any) -> str:
    return user.display_name if user is not None else ""


NUMBER = Column(_("编号"), lambda h, t: h.number or "", 28)
UNIT = Column(_("单位"), lambda h, t: h.unit.name, 32)
PLACE = Column(_("位置"), lambda h, t: h.place, 24)
STATUS = Column(_("状态"), _status, 20)
DEADLINE = Column(_("整改期限"), lambda h, t: _date(h.deadline), 20)

LEDGERS: dict[str, tuple[Any, list[Column]]] = {
    "hazards": (
        _("隐患清单"),
        [
            NUMBER,
            UNIT,
            Column(_("类别"), lambda h, t: str(h.get_category_display()), 16),
            PLACE,
            Column(_("隐患描述"), lambda h, t: h.description, 45),
            Column(_("等级"), lambda h, t: str(h.get_grade_display()) if h.grade else "", 14),
            Column(_("来源"), lambda h, t: str(h.get_source_display()), 16),
            Column(_("报告日期"), lambda h, t: _date(h.reported_at), 20),
            STATUS,
        ],
    ),
    "responsibility": (
        _("责任清单"),
        [
            NUMBER,
            UNIT,
            PLACE,
            Column(_("整改责任人"), lambda h, t: _person(h.responsible), 18),
            Column(_("岗位"), lambda h, t: h.responsible_post, 18),
            Column(_("督办领导"), lambda h, t: getattr(h, "supervising_leader", None) or "", 18),
            DEADLINE,
            STATUS,
        ],
    ),
    "rectification": (
        _("整改清单"),
        [
            NUMBER,
            UNIT,
            PLACE,
            Column(_("整改措施"), lambda h, t: h.measures, 50),
            Column(_("资金（元）"), lambda h, t: float(h.funds) if h.funds is not None else "", 16),
            DEADLINE,
            STATUS,
            Column(_("验收日期"), lambda h, t: _date(h.accepted_at), 20),
        ],
    ),
}


def ledger(kind: str) -> tuple[Any, list[Column]]:
    return LEDGERS.get(kind, LEDGERS["hazards"])


def ledger_rows(hazards: Any, columns: list[Column], today: dt.date) -> Iterator[list[Any]]:
    for hazard in hazards.iterator(chunk_size=2000):
        yield [column.value(hazard, today) for column in columns]


OPEN_FOR_NOTICE = (State.RECTIFYING, State.ACCEPTANCE_REQUESTED, State.ACCEPTED, State.CLOSED)
