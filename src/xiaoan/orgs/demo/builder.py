"""Writes the demo city: the tree (one by one in demo scale, in bulk in city scale) and the accounts."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone

from xiaoan.accounts.totp import requires_totp

from ..models import PATH_SEGMENT_WIDTH, Membership, Unit, User
from ..roles import Role, UnitKind
from ..services import _insert_unit, unit_create_root
from .people import DEMO_PASSWORD, DEMO_SCHOOL_COUNTY, MULTI_FULL_NAME, MULTI_POSTS, MULTI_USERNAME, PERSONAS
from .places import CITY_ADDRESS, CITY_CENTRE, CITY_CODE, CITY_NAME, CITY_SHORT, COUNTIES, CountySpec
from .schools import CORE_SIZE, SchoolSpec, city_schools, county_schools

SCALES = ("demo", "city")
CITY_SCALE_SCHOOLS = 5000
BATCH_SIZE = 500
ACCOUNTS_FILE = "demo-accounts.txt"
REASON = "seeding the demo city"


@dataclass
class Account:
    username: str
    full_name: str
    unit: str
    role: str
    needs_totp: bool = False  # a bureau administrator: sets up TOTP at the first sign-in


@dataclass
class SeedResult:
    units: int = 0
    schools: int = 0
    accounts: list[Account] = field(default_factory=list)
    password: str | None = None
    accounts_file: Path | None = None


def plan(*, scale: str, seed: int, schools: int | None = None) -> list[tuple[CountySpec | None, list[SchoolSpec]]]:
    """The schools of every county-level unit (``None``: the city bureau's own), deterministic for a seed.

    Demo scale is the core of every unit; city scale spreads ``schools`` (default ~5,000) by weight.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}")
    rng = random.Random(seed)
    taken: set[str] = set()
    total_weight = sum(c.weight for c in COUNTIES)
    target = (schools or CITY_SCALE_SCHOOLS) if scale == "city" else 0
    result: list[tuple[CountySpec | None, list[SchoolSpec]]] = [(None, city_schools(rng))]
    budget = max(0, target - len(result[0][1]))
    for county in COUNTIES:
        count = max(CORE_SIZE, round(budget * county.weight / total_weight))
        result.append((county, county_schools(county, count, rng, taken)))
    return result


def has_units() -> bool:
    return Unit.objects.system("is the database empty?").exists()


@transaction.atomic
def build(
    *, scale: str = "demo", seed: int = 2026, schools: int | None = None, demo_passwords: bool = False
) -> SeedResult:
    """Create the tree and the persona accounts; returns what was made (and the password, if any)."""
    result = SeedResult()
    root = unit_create_root(
        name=CITY_NAME, short_name=CITY_SHORT, code=CITY_CODE, address=CITY_ADDRESS, **_point(CITY_CENTRE)
    )
    homes: dict[str, Unit] = {"city": root}
    for county, specs in plan(scale=scale, seed=seed, schools=schools):
        parent = root if county is None else _insert_county(root, county)
        if county is not None:
            homes[county.key] = parent
        if scale == "demo":
            units = [_insert_unit(parent=parent, **spec.unit_fields()) for spec in specs]
        else:
            units = _bulk_insert_schools(parent, specs)
        if county is not None and county.key == DEMO_SCHOOL_COUNTY:
            tagged = next(spec for spec in specs if spec.tag == "rural_primary")
            homes["school"] = next(unit for unit in units if unit.code == tagged.code)
        result.schools += len(specs)
    result.units = Unit.objects.system(REASON).count()
    result.password = DEMO_PASSWORD if demo_passwords else None
    result.accounts = _create_accounts(homes, result.password)
    result.accounts_file = write_accounts_file(result)
    return result


def _point(point: tuple[float, float]) -> dict[str, Decimal]:
    return {"latitude": Decimal(f"{point[0]:.6f}"), "longitude": Decimal(f"{point[1]:.6f}")}


def _insert_county(root: Unit, county: CountySpec) -> Unit:
    base = "河南省" if county.region.startswith("南阳") else "河南省南阳市"
    return _insert_unit(
        parent=root,
        kind=UnitKind.COUNTY_BUREAU,
        name=county.name,
        short_name=county.region,
        code=county.code,
        address=f"{base}{county.region}",
        **_point(county.centre),
    )


def _bulk_insert_schools(parent: Unit, specs: list[SchoolSpec]) -> list[Unit]:
    """City scale: validate in memory, insert in batches, then give every new row its path in one UPDATE."""
    units = [Unit(parent=parent, depth=parent.depth + 1, **spec.unit_fields()) for spec in specs]
    for unit in units:
        unit.clean()
    Unit.objects.bulk_create(units, batch_size=BATCH_SIZE)
    segment = LPad(Cast("id", output_field=CharField()), PATH_SEGMENT_WIDTH, Value("0"))
    Unit.objects.system(REASON).filter(parent=parent).update(path=Concat(Value(parent.path), segment, Value("/")))
    return units


def _create_accounts(homes: dict[str, Unit], password: str | None) -> list[Account]:
    hashed = None
    if password:
        validate_password(password)
        hashed = make_password(password)  # hashed once: every demo account shares it
    posts = [(p.username, p.full_name, [(p.place, p.role, p.title)]) for p in PERSONAS]
    posts.append((MULTI_USERNAME, MULTI_FULL_NAME, list(MULTI_POSTS)))
    accounts = []
    for username, full_name, memberships in posts:
        user = User(username=username, full_name=full_name)
        if hashed:
            user.password = hashed
        else:
            user.set_unusable_password()
        user.save()
        for index, (place, role, title) in enumerate(memberships):
            unit = homes[place]
            membership = Membership.objects.system(REASON).create(user=user, unit=unit, role=role, title=title)
            if index == 0:
                user.active_membership = membership
                user.save(update_fields=["active_membership"])
            accounts.append(Account(username, full_name, unit.name, role, requires_totp(role, unit.kind)))
    return accounts


def totp_note(accounts: list[Account]) -> str:
    """Which demo accounts must set up TOTP at their first sign-in (the bureau administrators)."""
    names = ", ".join(dict.fromkeys(a.username for a in accounts if a.needs_totp))
    return (
        f"市、县教育局单位管理员（{names}）首次登录时须按提示设置动态口令（TOTP），以后每次登录都要输入。"
        f" / The bureau administrators ({names}) set up TOTP at first sign-in and give a code at every sign-in."
    )


def write_accounts_file(result: SeedResult) -> Path:
    """The account list (user name, name, unit, role) in ``VAR_DIR``; with the password in demo mode."""
    path = Path(settings.VAR_DIR) / ACCOUNTS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# 校安演示账号 / Xiao'an demo accounts",
        f"# {timezone.localtime():%Y-%m-%d %H:%M}",
    ]
    if result.password:
        lines.append(f"# 共用演示密码 / shared demo password: {result.password}")
        lines.append(f"# {totp_note(result.accounts)}")
    else:
        lines.append(
            "# 未设置密码（非演示模式）：请用 manage.py changepassword 为需要的账号设置密码。"
            " / No passwords set outside demo mode: use manage.py changepassword."
        )
    lines.append("username\tname\tunit\trole")
    lines += [f"{a.username}\t{a.full_name}\t{a.unit}\t{Role(a.role).label} ({a.role})" for a in result.accounts]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
