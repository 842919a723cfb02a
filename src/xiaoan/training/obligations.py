"""Training obligations: every member of staff fire-trained at least once a calendar year (coverage of
the school's staff count at or above the rule's percentage); certificates renewed before they expire; new
principals trained within their first year. The last two are snapshots judged on a day (DESIGN.md §3)."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoan.compliance.obligations import IdList, Obligation, Tally, Verdict, declare_obligation, snapshot_status
from xiaoan.compliance.periods import MONTH, YEAR, Period
from xiaoan.core.rules.services import get_rule
from xiaoan.orgs.models import Membership, Unit
from xiaoan.orgs.roles import Role, UnitKind

from .models import StaffCategory, TrainingRecord, TrainingSession
from .selectors import fire_trained_counts

REASON = "compliance: training records of all schools"


def fire_trained(period: Period) -> dict[int, Tally]:
    """People fire-trained per school in the year (two grouped queries for all schools), with the sessions."""
    schools = Unit.objects.system("compliance: every school").filter(kind=UnitKind.SCHOOL, is_active=True)
    people = fire_trained_counts(schools, period.start.year)
    sessions: dict[int, list[int]] = {}
    rows = (
        TrainingSession.objects.system("compliance: fire-training sessions")
        .filter(is_fire_training=True, date__range=(period.start, period.end), unit__kind=UnitKind.SCHOOL)
        .values_list("unit_id", "pk")
    )
    for unit_id, pk in rows:
        sessions.setdefault(unit_id, []).append(pk)
    return {unit_id: Tally(count, sorted(sessions.get(unit_id, []))) for unit_id, count in people.items()}


def staff_to_train(unit: dict[str, Any], period: Period) -> int:
    percent = get_rule("training.fire_coverage_percent", on=period.start)
    return max(1, math.ceil(unit["staff_count"] * percent / 100))


declare_obligation(
    Obligation(
        id="training.fire_training_yearly",
        name=_("教职工年度消防安全培训"),
        rule=_("全体教职工每年至少接受一次消防安全培训：本年度参加消防培训的人数不低于教职工数的规定比例。"),
        source="《机关、团体、企业、事业单位消防安全管理规定》（公安部令第61号）第三十六条",
        period=YEAR,
        applies_to=Q(staff_count__gt=0),
        applies_text=_("填写了教职工数的学校"),
        evidence=fire_trained,
        required_for=staff_to_train,
        evidence_url="training:session_detail",
        settings=("training.fire_coverage_percent",),
    )
)


def certificates_standing(period: Period, day: dt.date) -> dict[int, Verdict]:
    """Per school holding certificates on ``day`` (from its own sessions): each person's latest certificate
    of a category (a later one is its renewal) — missed if one has expired, due soon if one expires within
    the rule's window, else met. One grouped query for all schools."""
    horizon = day + dt.timedelta(days=int(get_rule("training.certificate_due_days", on=day)))
    renewal = TrainingRecord.objects.system(REASON).filter(
        person_key=OuterRef("person_key"),
        session__category=OuterRef("session__category"),
        session__date__lte=day,
        certificate_expiry__gt=OuterRef("certificate_expiry"),
    )
    rows = (
        TrainingRecord.objects.system(REASON)
        .filter(certificate_expiry__isnull=False, session__date__lte=day, session__unit__kind=UnitKind.SCHOOL)
        .filter(~Exists(renewal))
        .order_by()
        .values("session__unit_id")
        .annotate(
            n=Count("pk"),
            expired=Count("pk", filter=Q(certificate_expiry__lt=day)),
            soon=Count("pk", filter=Q(certificate_expiry__gte=day, certificate_expiry__lte=horizon)),
            ids=IdList("pk"),
        )
        .values_list("session__unit_id", "n", "expired", "soon", "ids")
    )
    return {
        unit_id: Verdict(
            n - expired,
            sorted(int(pk) for pk in str(ids).split(",")),
            n,
            snapshot_status(overdue=expired, due_soon=soon),
        )
        for unit_id, n, expired, soon, ids in rows
    }


def new_principals_standing(period: Period, day: dt.date) -> dict[int, Verdict]:
    """Per school with a leader appointed within the rule's days before ``day``: met when each has a
    new-principal training record. A leader not trained by the deadline stays judged for one more window
    (missed, then met once trained late), as the new-principal list shows it overdue. One query, all schools."""
    days = int(get_rule("training.new_principal_days", on=day))
    soon_days = int(get_rule("compliance.due_soon_days", on=day))
    new_principal_training = (
        TrainingRecord.objects.system(REASON)
        .filter(user=OuterRef("user_id"), session__category=StaffCategory.NEW_PRINCIPAL, session__date__lte=day)
        .order_by("session__date", "pk")
    )
    midnight = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    posts = (
        Membership.objects.system(REASON)
        .filter(role=Role.LEADER, is_active=True, unit__kind=UnitKind.SCHOOL, unit__is_active=True)
        .filter(created_at__gte=midnight - dt.timedelta(days=2 * days), created_at__lt=midnight + dt.timedelta(days=1))
        .annotate(
            session_id=Subquery(new_principal_training.values("session_id")[:1]),
            trained_on=Subquery(new_principal_training.values("session__date")[:1]),
        )
        .values_list("unit_id", "created_at", "session_id", "trained_on")
    )
    judged: dict[int, dict[str, Any]] = defaultdict(lambda: {"posts": 0, "ids": set(), "late": 0, "soon": 0, "open": 0})
    for unit_id, created_at, session_id, trained_on in posts:
        deadline = timezone.localtime(created_at).date() + dt.timedelta(days=days)
        left = (deadline - day).days
        if left < 0 and trained_on is not None and trained_on <= deadline:  # in time: done with its first year
            continue
        school = judged[unit_id]
        school["posts"] += 1
        if session_id is not None:
            school["ids"].add(session_id)
        elif left < 0:
            school["late"] += 1
        else:
            school["soon" if left < soon_days else "open"] += 1
    return {
        unit_id: Verdict(
            school["posts"] - school["late"] - school["soon"] - school["open"],
            sorted(school["ids"]),
            school["posts"],
            snapshot_status(overdue=school["late"], due_soon=school["soon"], pending=school["open"]),
        )
        for unit_id, school in judged.items()
    }


declare_obligation(
    Obligation(
        id="training.certificates_current",
        name=_("培训证书按期换证"),
        rule=_(
            "持证人员的培训证书须在有效期届满前换发：有证书已过期未换发即为未完成；有证书在提醒天数内到期即为即将到期。"
        ),
        source=_("市教育局规定（持证上岗人员证书须在有效期内）"),
        period=MONTH,
        applies_to=Q(),
        applies_text=_("本校培训中登记了证书的学校"),
        evidence=certificates_standing,
        snapshot=True,
        settings=("training.certificate_due_days",),
    )
)
declare_obligation(
    Obligation(
        id="training.new_principal_trained",
        name=_("新任校长任职培训"),
        rule=_("新任校长须在任职后规定天数内参加新任校长任职培训。"),
        source="《中小学校长培训规定》（教育部令第8号）",
        period=MONTH,
        applies_to=Q(),
        applies_text=_("校长（学校领导岗位）任职未满规定天数的学校"),
        evidence=new_principals_standing,
        snapshot=True,
        evidence_url="training:session_detail",
        settings=("training.new_principal_days",),
    )
)
