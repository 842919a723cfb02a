"""The roster import at scale: rows/s of the real import (upload stored, then the worker: read, validate, write)
against PostgreSQL ``COPY`` of the same rows into the same tables, and the peak memory of the importing process.

    uv run python -m bench.roster_import [--rows N]          (starts a throwaway PostgreSQL without DATABASE_URL)

The import runs in a child process of its own, so its peak RSS (``getrusage``) is the import's and nothing else's.
The limit: the rows the import writes (pupils, guardians, guardianships, enrolment moves; numbers already
encrypted and hashed, ids already drawn) are COPYed into the same tables of a fresh school in one transaction,
timed, then rolled back. Both write into an empty school (a new roster), with the same indexes and constraints.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .stats import Figure, Target

PROJECT = Path(__file__).resolve().parent.parent
ROWS = {"small": 20_000, "city": 2_400_000}


def write_file(path: Path, rows: int) -> None:
    from xiaoan.students.testing import roster_csv_lines

    with path.open("w", encoding="utf-8") as out:
        out.writelines(roster_csv_lines(rows))


def fresh_school(tag: str) -> tuple[Any, Any]:
    """An empty school and its principal (a new roster)."""
    from xiaoan.orgs.models import Unit
    from xiaoan.orgs.roles import Role, Stage, UnitKind
    from xiaoan.orgs.testing import make_person, make_unit

    root = Unit.objects.system("benchmark set-up").filter(parent=None).order_by("pk").first()
    if root is None:
        root = make_unit(None, "基准测试市教育局", UnitKind.CITY_BUREAU, "419900")
    code = f"99{int(time.time() * 1000) % 10**8:08d}"
    school = make_unit(root, f"名册导入基准学校{tag}", UnitKind.SCHOOL, code, stage=Stage.NINE_YEAR)
    return school, make_person(f"bench-roster-{code}", school, Role.LEADER)


def copy_limit(path: Path) -> tuple[float, int]:
    """Seconds to COPY the import's rows for the file into a fresh school's tables (rolled back), and rows."""
    from django.db import connection, transaction
    from django.utils import timezone

    from xiaoan.students import bulk
    from xiaoan.students.grades import school_year_of
    from xiaoan.students.identity import birth_date_of
    from xiaoan.students.imports import RosterImport
    from xiaoan.students.models import Guardian, Guardianship, Pupil, PupilMove, SchoolClass

    today, now, sealer = timezone.localdate(), timezone.now(), bulk.Sealer()
    with transaction.atomic():
        school, principal = fresh_school("COPY")
        spec = RosterImport(actor=principal, unit=school)
        classes: dict[str, int] = {}
        with path.open(encoding="utf-8", newline="") as source:
            lines = list(csv.reader(source))[1:]
        pupil_ids = iter(bulk.allocate_ids(Pupil, len(lines)))
        guardian_count = sum(1 for line in lines if line[10]) + len({line[7] for line in lines})
        guardian_ids = iter(bulk.allocate_ids(Guardian, guardian_count))
        pupils, guardians, ties, moves = [], [], [], []
        by_mobile: dict[str, int] = {}
        for line in lines:
            grade, name = spec.class_of(_Row({"class_name": line[0]}))  # type: ignore[misc]
            if name not in classes:
                classes[name] = (
                    SchoolClass.objects.system("benchmark")
                    .create(unit=school, school_year=school_year_of(today), grade=grade, name=name)
                    .pk
                )
            pupil_id = next(pupil_ids)
            pupils.append((pupil_id, school.pk, classes[name], line[1], "M" if line[2] == "男" else "F",
                           birth_date_of(line[4]), line[3], sealer.seal(line[4]), sealer.digest("id:", line[4]),
                           "enrolled", today, now, now))  # fmt: skip
            moves.append((pupil_id, None, school.pk, None, classes[name], "enrolment", today, principal.pk, now))
            for order, (guardian, relation, mobile) in enumerate((line[5:8], line[8:11]), start=1):
                if not guardian:
                    continue
                if mobile not in by_mobile:
                    by_mobile[mobile] = next(guardian_ids)
                    guardians.append((by_mobile[mobile], school.pk, guardian, sealer.seal(mobile),
                                      sealer.digest("mobile:", mobile), now))  # fmt: skip
                ties.append((pupil_id, by_mobile[mobile], "mother" if relation == "母亲" else "father", order == 1,
                             order))  # fmt: skip
        del lines
        started = time.perf_counter()
        bulk.insert_rows(Pupil, bulk.PUPIL_INSERT, pupils)
        bulk.insert_rows(Guardian, bulk.GUARDIAN_INSERT, guardians)
        bulk.insert_rows(Guardianship, bulk.TIE_INSERT, ties)
        bulk.insert_rows(PupilMove, bulk.MOVE_INSERT, moves)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks count too
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, len(pupils)


class _Row:
    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def __getitem__(self, key: str) -> str:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def child(path: Path) -> dict[str, Any]:
    """In the child process: submit the file as a school's principal would, run the worker, report."""
    from django.conf import settings
    from django.core.files import File

    from xiaoan.core.tabular.services import import_run, import_submit

    settings.XIAOAN_IMPORT_MAX_BYTES = 1 << 40  # the city's file, not a school's
    school, principal = fresh_school("import")
    with path.open("rb") as upload:
        job = import_submit(actor=principal, unit=school, spec_name="roster", upload=File(upload, name="名册.csv"))
    started = time.perf_counter()
    import_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    return {
        "seconds": seconds,
        "state": job.state,
        "message": job.message,
        "created": job.created_count,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def roster_import(env: dict[str, str], rows: int) -> list[Figure]:
    """Both figures for ``rows`` pupils: throughput against COPY, and peak memory of the importing process."""
    with tempfile.TemporaryDirectory(prefix="xiaoan-roster-") as folder:
        path = Path(folder) / "roster.csv"
        write_file(path, rows)
        size_mb = path.stat().st_size / 2**20
        copy_seconds, copied = copy_limit(path)
        from django.db import connections

        connections.close_all()
        done = subprocess.run(
            [sys.executable, "-m", "bench.roster_import", "--child", str(path)],
            env=env, cwd=PROJECT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"the roster import child failed: {done.stderr[-2000:]}")
        measured = json.loads(done.stdout.strip().splitlines()[-1])
    if measured["state"] != "succeeded" or measured["created"] != rows:
        raise RuntimeError(f"the roster import did not succeed: {measured}")
    details = {"rows": rows, "file_mb": round(size_mb, 1), "import_s": round(measured["seconds"], 2),
               "copy_s": round(copy_seconds, 2), "copied_pupils": copied}  # fmt: skip
    return [
        Figure(
            key="roster_import",
            label=f"roster import, {rows:,} pupils with guardians, end to end (rows/s)",
            value=round(rows / measured["seconds"]),
            unit="rows/s",
            limit=round(rows / copy_seconds),
            limit_label="COPY of the same rows into the same tables",
            targets=[Target("min_ratio", 0.3, "≥ 30% of COPY throughput, including validation (issue 4)")],
            details=details,
        ),
        Figure(
            key="roster_import_memory",
            label=f"roster import, {rows:,} pupils: peak memory of the importing process",
            value=round(measured["peak_rss_mb"], 1),
            unit="MB",
            targets=[Target("max", 500, "peak memory under 500 MB regardless of file size (issue 4)")],
            details={"rows": rows, "file_mb": round(size_mb, 1)},
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.roster_import", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=ROWS[os.environ.get("SCALE", "small")])
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        again = argv if argv is not None else sys.argv[1:]
        command = [sys.executable, str(PROJECT / "scripts" / "with_postgres.py"), "--dbname", "xiaoan_bench", "--",
                   sys.executable, "-m", "bench.roster_import", *again]  # fmt: skip
        os.execv(sys.executable, command)  # noqa: S606 - replaces this process
    from .environment import apply_production_environment

    env = apply_production_environment()
    import django

    django.setup()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    for figure in roster_import(env, args.rows):
        print(json.dumps(figure.as_dict(), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
