"""Accounts for every school (principal, safety officer, a teacher, a guard) and every county-level bureau (a
leader and a safety officer), and the look-up of who holds which post that the other writers use."""

from __future__ import annotations

from dataclasses import dataclass

from .plans import School, person_name, rng_for

SCHOOL_POSTS = (("leader", "校长"), ("safety_officer", "安全副校长"), ("staff", "班主任"), ("guard", "门卫"))
BUREAU_POSTS = (("leader", "分管副局长"), ("safety_officer", "安全股股长"))


@dataclass(frozen=True)
class Posts:
    """User ids of a unit's posts (None where the unit has nobody in that role)."""

    leader: int | None = None
    officer: int | None = None
    staff: int | None = None
    guard: int | None = None

    @property
    def manager(self) -> int | None:
        return self.officer or self.leader


def bureau_ids() -> list[int]:
    from xiaoan.orgs.models import Unit
    from xiaoan.orgs.roles import UnitKind

    return list(
        Unit.objects.system("generating the benchmark city")
        .filter(kind=UnitKind.COUNTY_BUREAU, is_active=True)
        .order_by("id")
        .values_list("id", flat=True)
    )


def write_staff(schools: list[School], seed: int) -> int:
    """One account per post, written by COPY; memberships and the active identity by INSERT/UPDATE … SELECT."""
    from django.db import connection

    from xiaoan.orgs.models import Membership, User

    from ..copying import copy_rows, execute, table

    rng = rng_for(seed, "staff")
    rows = [
        (f"b{school.id}-{index}", person_name(rng), school.id, role, title)
        for school in schools
        for index, (role, title) in enumerate(SCHOOL_POSTS)
    ]
    rows += [
        (f"c{unit_id}-{index}", person_name(rng), unit_id, role, title)
        for unit_id in bureau_ids()
        for index, (role, title) in enumerate(BUREAU_POSTS)
    ]
    written = copy_rows(User, ("username", "full_name", "password"), ((u, n, "!") for u, n, *_rest in rows))
    execute("CREATE TEMP TABLE bench_posts (username text, unit_id bigint, role text, title text) ON COMMIT DROP")
    with connection.connection.cursor() as cursor, cursor.copy("COPY bench_posts FROM STDIN") as copy:
        for username, _name, unit_id, role, title in rows:
            copy.write_row((username, unit_id, role, title))
    execute(
        f"INSERT INTO {table(Membership)} (user_id, unit_id, role, title, is_active, created_at) "  # noqa: S608
        f"SELECT u.id, p.unit_id, p.role, p.title, true, now() FROM bench_posts p JOIN {table(User)} u USING (username)"
    )
    execute(
        f"UPDATE {table(User)} u SET active_membership_id = m.id FROM {table(Membership)} m "  # noqa: S608
        "WHERE m.user_id = u.id AND u.active_membership_id IS NULL "
        "AND u.username IN (SELECT username FROM bench_posts)"
    )
    return written


def posts() -> dict[int, Posts]:
    """Every unit's posts: the first active member in each role (personas included)."""
    from xiaoan.orgs.models import Membership

    found: dict[int, dict[str, int]] = {}
    rows = (
        Membership.objects.system("generating the benchmark city")
        .filter(is_active=True, role__in=("leader", "safety_officer", "staff", "guard"))
        .order_by("id")
        .values_list("unit_id", "role", "user_id")
    )
    for unit_id, role, user_id in rows:
        found.setdefault(unit_id, {}).setdefault(role, user_id)
    return {
        unit_id: Posts(roles.get("leader"), roles.get("safety_officer"), roles.get("staff"), roles.get("guard"))
        for unit_id, roles in found.items()
    }
