"""The synthetic city, deterministic from a seed, written with bulk paths (COPY, INSERT … SELECT).

    uv run python -m bench.generate --scale small|city [--seed N] [--smoke]      (against DATABASE_URL, PostgreSQL)

1. the unit tree and the persona accounts: the existing builder (``xiaoan seed --scale city``), then every
   module's demo seeder at city scale (most skip it: the volume is written here);
2. accounts for every school (principal, safety officer, a teacher, a guard) and county bureau;
3. the roster — classes, pupils, guardians (mobile numbers encrypted, as the app stores them);
4. hazards over three school years (most closed, some overdue, a few under 挂牌督办 with their supervision),
   and a 随手拍 QR point per school;
5. risk points and their reviews, inspection plans and inspections with every answer, emergency plans and
   drills, education activities, training sessions and records — three school years of each;
6. the transition logs of everything above that moved through a workflow;
7. rule values that lift the per-address rate limits (all benchmark traffic comes from 127.0.0.1), the
   compliance statuses, VACUUM ANALYZE;
8. with ``--letter`` (the default of the command): one city-wide letter published through the module's own
   publication (receipts, links).

Modules that are not installed are skipped and named in the summary. The big tables are loaded with their
secondary indexes and foreign keys off (``copying.load_window``); ``--smoke`` then signs in as a city, a
county and a school user and times the home page and the hazard list in-process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .city.plans import School

REASON = "generating the benchmark city"


@dataclass(frozen=True)
class Volume:
    schools: int
    pupils: int
    hazards: int
    two_guardian_share: float = 0.46  # 2.4 M pupils → about 3.5 M guardians


VOLUMES = {
    "small": Volume(schools=50, pupils=20_000, hazards=4_000),
    "city": Volume(schools=5_000, pupils=2_400_000, hazards=1_000_000),
}


def _installed(label: str) -> bool:
    from django.apps import apps

    return apps.is_installed(f"xiaoan.{label}")


def _schools() -> list[School]:
    from xiaoan.orgs.models import Unit
    from xiaoan.orgs.roles import UnitKind

    fields = ("id", "path", "stage", "pupils", "staff_count", "runs_buses", "is_boarding", "parent_id")
    rows = Unit.objects.system(REASON).filter(kind=UnitKind.SCHOOL, is_active=True).order_by("id").values_list(*fields)
    return [School(*row) for row in rows]


def build_tree(scale: str, seed: int, stats: dict[str, Any]) -> None:
    from xiaoan.core.registry import demo_seeders
    from xiaoan.orgs.demo.builder import build, has_units

    if has_units():
        raise SystemExit("generate: the database already has units; generate into an empty database")
    result = build(scale="city", seed=seed, schools=VOLUMES[scale].schools, demo_passwords=True)
    stats["units"] = result.units
    for seeder in demo_seeders():
        started = time.monotonic()
        try:
            seeder.seed(scale="city", seed=seed)
        except Exception as exc:  # another module's seeder must not stop the benchmark; it is reported
            stats[f"seeder {seeder.key}"] = f"FAILED: {type(exc).__name__}: {exc}"[:200]
        else:
            stats[f"seeder {seeder.key}"] = f"{time.monotonic() - started:.1f} s"


PUBLIC_LIMITS = (
    ("hazards", "hazards.public_reports_per_ip_hour"),
    ("hazards", "hazards.public_reports_per_school_hour"),
    ("families", "families.receipt_page_per_ip_per_minute"),
)


def lift_rate_limits(today: dt.date) -> list[str]:
    """All benchmark traffic comes from 127.0.0.1: the per-address limits would measure the limiter."""
    from xiaoan.core.rules.models import RuleValue
    from xiaoan.core.rules.registry import get_spec

    lifted = []
    for label, key in PUBLIC_LIMITS:
        if not _installed(label):
            continue
        try:
            spec = get_spec(key)
        except Exception:  # noqa: S112 - the module may not declare this rule (yet)
            continue
        RuleValue.objects.create(
            key=key, value=spec.to_json(10**9), valid_from=today - dt.timedelta(days=1), note="benchmark"
        )
        lifted.append(key)
    return lifted


def publish_city_letter() -> tuple[int, float]:
    """One city-wide letter through the module's own publication; returns (letter id, seconds)."""
    from django.utils import timezone

    from xiaoan.families.letter_templates import DROWNING
    from xiaoan.families.markup import render_body
    from xiaoan.families.models import Letter, LetterState
    from xiaoan.families.publishing import publish
    from xiaoan.orgs.models import Unit, User
    from xiaoan.orgs.roles import UnitKind

    root = Unit.objects.system(REASON).get(kind=UnitKind.CITY_BUREAU)
    letter = Letter.objects.create(
        unit=root,
        title=DROWNING.title,
        body=DROWNING.body,
        body_html=render_body(DROWNING.body),
        items=list(DROWNING.items),
        deadline=timezone.localdate() + dt.timedelta(days=14),
        template_key=DROWNING.key,
        state=LetterState.PUBLISHING,
        created_by=User.objects.filter(username="city_officer").first(),
    )
    started = time.perf_counter()
    publish(letter.pk, deliver=False)
    return letter.pk, time.perf_counter() - started


def refresh_compliance(today: dt.date) -> int:
    """The periodic job once, so the dashboards read statuses computed from the generated records."""
    from xiaoan.compliance.services import refresh_all

    return refresh_all(today=today)


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def vacuum_analyze() -> None:
    """Statistics for the planner and a visibility map for index-only scans, as autovacuum would leave them
    after a while — so it does not start in the middle of a benchmark instead. Outside a transaction."""
    from django.db import connection

    with connection.cursor() as cursor:  # in a transaction (a test) only the statistics: VACUUM cannot run there
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")


def _gigabytes(size: int) -> str:
    return f"{size / 1024**3:.2f} GB"


def _cpu() -> tuple[float, float | None]:
    """CPU seconds used so far by this process and by its database server process (when local)."""
    from .copying import backend_cpu_seconds

    return time.process_time(), backend_cpu_seconds()


def _cpu_used(since: tuple[float, float | None]) -> str:
    """The CPU a step used on each side: on a busy machine its wall time says more about the neighbours."""
    own, server = _cpu()
    used = f"CPU: generator {own - since[0]:.1f} s"
    if server is not None and since[1] is not None:
        used += f", database server {server - since[1]:.1f} s"
    return used


def generate(*, scale: str, seed: int, letter: bool = False, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Write the whole city; returns what was written and how long each step took."""
    from django.db import transaction
    from django.utils import timezone

    from .copying import database_size, next_id, tune_session

    volume = VOLUMES[scale]
    today = timezone.localdate()
    stats: dict[str, Any] = {"scale": scale, "seed": seed}
    started, first_cpu = time.monotonic(), _cpu()

    def step(name: str, run: Callable[[], Any], atomic: bool = True) -> Any:
        began, cpu = time.monotonic(), _cpu()
        log(f"generate: {name} …")
        if atomic:
            with transaction.atomic():
                value = run()
        else:
            value = run()
        stats[f"time: {name}"] = (
            f"{time.monotonic() - began:.1f} s, {_cpu_used(cpu)}, database {_gigabytes(database_size())}"
        )
        if isinstance(value, dict):
            stats.update(value)
        return value

    tune_session()
    step("unit tree, personas and module seeders", lambda: build_tree(scale, seed, stats))
    schools = _schools()
    stats["schools"] = len(schools)
    from .city import staff

    stats["staff accounts"] = step("staff accounts", lambda: staff.write_staff(schools, seed))
    posts = staff.posts()
    since: dict[str, int] = {}
    if _installed("students"):
        from .city.roster import write_roster

        step("roster", lambda: write_roster(schools, volume.pupils, volume.two_guardian_share, seed, today))
    if _installed("hazards"):
        from xiaoan.hazards.models import Hazard

        from .city.hazards import write_hazards

        since["hazards"] = next_id(Hazard)
        step("hazards", lambda: write_hazards(schools, posts, volume.hazards, seed, today))
    if _installed("risks"):
        from .city.risks import write_risks

        step("risk points", lambda: write_risks(schools, posts, seed, today))
    if _installed("inspections"):
        from xiaoan.inspections.models import Inspection

        from .city.inspections import write_inspections

        since["inspections"] = next_id(Inspection)
        step("inspections", lambda: write_inspections(schools, posts, seed, today))
    if _installed("drills"):
        from .city.drills import write_drills

        since["drills"] = 1  # the drills seeder's too: it writes its drills without their logs
        step("emergency plans and drills", lambda: write_drills(schools, posts, seed, today))
    if _installed("education"):
        from .city.education import write_education

        step("education", lambda: write_education(schools, posts, seed, today))
    if _installed("training"):
        from .city.training import write_training

        step("training", lambda: write_training(schools, posts, seed, today))
    missing = [m for m in ("students", "hazards", "risks", "inspections", "drills", "education", "training")
               if not _installed(m)]  # fmt: skip
    stats["not generated (module not present)"] = ", ".join(missing) or "none"
    from .city.workflow import write_logs

    step("transition logs", lambda: write_logs(posts, since))
    stats["rate limits lifted"] = ", ".join(step("rate limits", lambda: lift_rate_limits(today))) or "none"
    # the obligations engine aggregates what was just loaded: without statistics the planner takes the fresh
    # tables for empty and nests loops over them (minutes instead of seconds)
    step("statistics", analyze)
    stats["compliance statuses"] = step("compliance statuses", lambda: refresh_compliance(today))
    if letter and _installed("families") and _installed("students"):

        def letter_step() -> str:
            letter_id, seconds = publish_city_letter()
            return f"#{letter_id} published in {seconds:.1f} s"

        stats["letter"] = step("city-wide letter", letter_step, atomic=False)
    step("vacuum and analyze", vacuum_analyze, atomic=False)
    stats["database size"] = _gigabytes(database_size())
    stats["total time"] = f"{time.monotonic() - started:.1f} s, {_cpu_used(first_cpu)}"
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(VOLUMES), default="small")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-letter", action="store_true", help="do not publish the city-wide letter")
    parser.add_argument("--smoke", action="store_true", help="then time the home page and hazard list in-process")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("generate: DATABASE_URL must point at PostgreSQL (COPY)", file=sys.stderr)
        return 2
    from .environment import apply_production_environment

    apply_production_environment()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    stats = generate(scale=args.scale, seed=args.seed, letter=not args.no_letter)
    for key, value in stats.items():
        print(f"  {key}: {value}")
    if args.smoke:
        from .city.smoke import smoke

        for line in smoke():
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
