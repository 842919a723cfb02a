"""Reads of the parent-letter module: letters a reader may see, receipt rates rolled up the tree, a class's list.

Rates come from ``ReceiptTally`` (one row per letter and class, moved in the confirmation's transaction), so
a city-wide roll-up reads thousands of counters, never millions of receipts. Pupil names are read only for a
class the reader teaches or, for the school's safety staff, any class of their school.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from xiaoan.core.scoping import get_policy
from xiaoan.orgs.models import PATH_SEGMENT_WIDTH, Unit
from xiaoan.orgs.policy import active_membership
from xiaoan.orgs.roles import MANAGERS
from xiaoan.students.models import SchoolClass

from .models import ActivityKind, HomeSchoolActivity, Letter, LetterState, Receipt, ReceiptLink, ReceiptTally

SEGMENT = PATH_SEGMENT_WIDTH + 1


@dataclass(frozen=True)
class Rate:
    owed: int
    confirmed: int

    @property
    def percent(self) -> float:
        return round(100 * self.confirmed / self.owed, 1) if self.owed else 0.0

    @property
    def pending(self) -> int:
        return self.owed - self.confirmed


def visible_letters(user: Any) -> QuerySet[Letter]:
    """Letters written in the reader's part of the tree, and published letters that reach it from above."""
    policy = get_policy()
    prefix = policy.path_prefix(user)
    letters = Letter.objects.system("letters are visible to their author's subtree and to the schools they reach")
    if prefix is None or not policy.allows(user, "families.letter.view"):
        return letters.none()
    reaching = ReceiptTally.objects.for_user(user, "families.letter.view").values("letter_id")
    return letters.filter(Q(unit__path__startswith=prefix) | Q(pk__in=reaching)).select_related("unit")


def can_see_class(user: Any, school_class: SchoolClass) -> bool:
    """Names of a class: its class teacher, and the safety staff (managers) of its school — nobody else."""
    membership = active_membership(user)
    if membership is None or membership.unit_id != school_class.unit_id:
        return False
    if not get_policy().allows(user, "families.receipt.view", path=school_class.scope_path):
        return False
    return membership.role in MANAGERS or school_class.class_teacher_id == user.pk


def rates_for(user: Any, letter_ids: list[int]) -> dict[int, Rate]:
    """Each letter's rate within the reader's part of the tree (one query)."""
    rows = (
        ReceiptTally.objects.for_user(user, "view")
        .filter(letter_id__in=letter_ids)
        .values("letter_id")
        .annotate(owed=Sum("owed"), confirmed=Sum("confirmed"))
    )
    return {row["letter_id"]: Rate(row["owed"], row["confirmed"]) for row in rows}


@dataclass(frozen=True)
class RateRow:
    name: str
    rate: Rate
    unit: Unit | None = None
    school_class: SchoolClass | None = None
    can_open: bool = False


def breakdown(user: Any, letter: Letter) -> list[RateRow]:
    """Rates one level down from the reader: counties or schools for a bureau, classes for a school."""
    membership = active_membership(user)
    if membership is None:
        return []
    tallies = ReceiptTally.objects.for_user(user, "view").filter(letter=letter)
    if membership.unit.is_school:
        rows = tallies.select_related("school_class").order_by("school_class__grade", "school_class__name")
        return [
            RateRow(
                name=tally.school_class.name,
                rate=Rate(tally.owed, tally.confirmed),
                school_class=tally.school_class,
                can_open=can_see_class(user, tally.school_class),
            )
            for tally in rows
        ]
    width = len(membership.unit.path) + SEGMENT
    grouped = (
        tallies.annotate(child=Substr("unit__path", 1, width))
        .values("child")
        .annotate(owed=Sum("owed"), confirmed=Sum("confirmed"))
        .order_by("child")
    )
    totals = {row["child"]: Rate(row["owed"], row["confirmed"]) for row in grouped}
    units = {unit.path: unit for unit in Unit.objects.for_user(user).filter(path__in=list(totals))}
    return [RateRow(name=units[p].name, rate=rate, unit=units[p]) for p, rate in totals.items() if p in units]


def total(rows: list[RateRow]) -> Rate:
    return Rate(sum(r.rate.owed for r in rows), sum(r.rate.confirmed for r in rows))


def class_receipts(user: Any, letter: Letter, school_class: SchoolClass) -> QuerySet[Receipt]:
    """The pupils of a class with their receipt (names: the caller checked ``can_see_class``)."""
    return (
        Receipt.objects.for_user(user, "families.receipt.view")
        .filter(letter=letter, school_class=school_class)
        .select_related("pupil", "recorded_by")
        .defer("pupil__id_number")
        .order_by("state", "pupil__name", "pk")
    )


def sms_summary(user: Any, letter: Letter) -> dict[str, int]:
    links = ReceiptLink.objects.for_user(user, "families.letter.remind").filter(letter=letter)
    rows = links.values("sms_state").annotate(n=Count("pk"))
    return {row["sms_state"]: row["n"] for row in rows}


def open_letters(user: Any, limit: int = 5) -> list[tuple[Letter, Rate]]:
    """Published letters reaching the reader, newest first, with the reader's rate (two queries)."""
    letters = list(visible_letters(user).filter(state=LetterState.PUBLISHED).order_by("-published_at", "-pk")[:limit])
    rates = rates_for(user, [letter.pk for letter in letters])
    return [(letter, rates.get(letter.pk, Rate(0, 0))) for letter in letters]


def classes_for(user: Any) -> QuerySet[SchoolClass]:
    """Classes whose names the user may see: a teacher's own, or every active class of a manager's school."""
    membership = active_membership(user)
    classes = SchoolClass.objects.for_user(user, "families.receipt.view").filter(is_active=True)
    if membership is None or not membership.unit.is_school:
        return classes.none()
    if membership.role not in MANAGERS:
        classes = classes.filter(class_teacher=user)
    return classes.order_by("grade", "number", "name")


def activities(user: Any) -> QuerySet[HomeSchoolActivity]:
    return (
        HomeSchoolActivity.objects.for_user(user, "families.activity.view")
        .select_related("school_class", "unit", "recorded_by")
        .order_by("-held_on", "-pk")
    )


def activity_counts(user: Any) -> list[dict[str, Any]]:
    """Activities per kind and class (at a school) or per school (at a bureau), with guardians reached."""
    membership = active_membership(user)
    by = "school_class__name" if membership is not None and membership.unit.is_school else "unit__name"
    rows = (
        HomeSchoolActivity.objects.for_user(user, "families.activity.view")
        .values(by, "kind")
        .annotate(n=Count("pk"), reached=Sum("guardians_reached"))
        .order_by(by, "kind")
    )
    labels = dict(ActivityKind.choices)
    return [{"name": row[by], "kind": labels.get(row["kind"], row["kind"]), "n": row["n"], "reached": row["reached"]}
            for row in rows]  # fmt: skip
