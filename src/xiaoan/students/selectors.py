"""Reads of the roster: who sees full names, class lists with counts, a class's pupils, counts for bureaus."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from xiaoan.orgs.policy import active_membership
from xiaoan.orgs.roles import MANAGERS, Role

from .grades import grade_label
from .identity import IdentityError, id_hash, normalise_id_number
from .models import Guardianship, Pupil, PupilMove, PupilStatus, PupilTransfer, SchoolClass, TransferState


def handles_class(user: Any, school_class: SchoolClass | None, *, unit_id: int | None = None) -> bool:
    """Whether the user works with the pupils of this class by name: the school's leaders and safety staff,
    or the class's own teacher. Everyone else sees masked names (张*明)."""
    membership = active_membership(user)
    if membership is None:
        return False
    school_id = school_class.unit_id if school_class is not None else unit_id
    if membership.unit_id != school_id:
        return False
    if membership.role in MANAGERS:
        return True
    return membership.role == Role.STAFF and school_class is not None and school_class.class_teacher_id == user.pk


def handles_pupil(user: Any, pupil: Pupil) -> bool:
    return handles_class(user, pupil.school_class, unit_id=pupil.unit_id)


def enrolled_count() -> Count:
    return Count("pupils", filter=Q(pupils__status=PupilStatus.ENROLLED), distinct=True)


def classes_for(user: Any, *, school_year: int | None = None) -> QuerySet[SchoolClass]:
    classes = SchoolClass.objects.for_user(user, "view").filter(is_active=True)
    if school_year is not None:
        classes = classes.filter(school_year=school_year)
    return classes.select_related("class_teacher").annotate(pupil_count=enrolled_count())


def pupils_of_class(user: Any, school_class: SchoolClass) -> QuerySet[Pupil]:
    return with_guardians(
        user, Pupil.objects.for_user(user, "view").filter(school_class=school_class, status=PupilStatus.ENROLLED)
    ).order_by("student_number", "name", "pk")


def with_guardians(user: Any, pupils: QuerySet[Pupil]) -> QuerySet[Pupil]:
    ties = Guardianship.objects.for_user(user, "view").select_related("guardian").order_by("order", "pk")
    return pupils.select_related("school_class").prefetch_related(Prefetch("guardianships", queryset=ties))


def pupil_history(user: Any, pupil: Pupil) -> QuerySet[PupilMove]:
    return (
        PupilMove.objects.for_user(user, "view")
        .filter(pupil=pupil)
        .select_related("from_unit", "to_unit", "from_class", "to_class", "by")
        .order_by("-on", "-pk")
    )


def unplaced_pupils(user: Any) -> QuerySet[Pupil]:
    """Pupils of the school without a class (just accepted, or imported without one) and those leaving."""
    statuses = [PupilStatus.ENROLLED, PupilStatus.TRANSFERRING]
    return (
        Pupil.objects.for_user(user, "view")
        .filter(status__in=statuses)
        .filter(Q(school_class__isnull=True) | Q(status=PupilStatus.TRANSFERRING))
        .select_related("school_class")
    )


def pending_transfers(user: Any, *, query: str = "") -> QuerySet[PupilTransfer]:
    """Transfers waiting for the user's school; ``query`` narrows them to one ID number or student number."""
    transfers = (
        PupilTransfer.objects.for_user(user, "view")
        .filter(state=TransferState.PENDING)
        .select_related("pupil", "from_unit", "requested_by")
    )
    query = query.strip()
    if query:
        try:
            transfers = transfers.filter(pupil__id_number_hash=id_hash(normalise_id_number(query)))
        except IdentityError:
            transfers = transfers.filter(pupil__student_number=query)
    return transfers


def counts_by_school(user: Any) -> list[dict[str, Any]]:
    """Enrolled pupils per school and grade below a bureau — numbers only, no names."""
    rows = (
        Pupil.objects.for_user(user, "students.overview")
        .filter(status=PupilStatus.ENROLLED)
        .values("unit_id", "unit__name", "school_class__grade")
        .annotate(pupils=Count("pk"))
        .order_by("unit__path", "school_class__grade")
    )
    schools: dict[int, dict[str, Any]] = {}
    for row in rows:
        school = schools.setdefault(row["unit_id"], {"name": row["unit__name"], "total": 0, "grades": []})
        school["total"] += row["pupils"]
        grade = row["school_class__grade"]
        school["grades"].append((grade_label(grade) if grade is not None else "", row["pupils"]))
    return list(schools.values())


def counts_by_stage(user: Any) -> list[dict[str, Any]]:
    return list(
        Pupil.objects.for_user(user, "students.overview")
        .filter(status=PupilStatus.ENROLLED)
        .values("unit__stage")
        .annotate(pupils=Count("pk"))
        .order_by("unit__stage")
    )


def school_summary(user: Any) -> dict[str, int]:
    """Classes, enrolled pupils, and pupils with at least one guardian's mobile number (for the coverage %)."""
    pupils = Pupil.objects.for_user(user, "view").filter(status=PupilStatus.ENROLLED)
    reachable = pupils.filter(guardianships__guardian__mobile_hash__isnull=False).values("pk").distinct().count()
    total = pupils.count()
    return {
        "classes": SchoolClass.objects.for_user(user, "view").filter(is_active=True).count(),
        "pupils": total,
        "reachable": reachable,
        "coverage": round(100 * reachable / total) if total else 0,
    }
