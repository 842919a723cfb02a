"""The roster import at scale: rows/s of the real import (upload stored, then the worker: read, validate, write)
against PostgreSQL ``COPY`` of the same rows into the same tables, and the peak memory of the importing process.

    uv run python -m bench.roster_import [--rows N]          (starts a throwaway PostgreSQL without DATABASE_URL)

    uv run python -m bench.roster_import --rows N --format xlsx   (the same rows as an xlsx written by openpyxl)

The import runs in a child process of its own and reports the peak resident memory of that process image
(``VmHWM``): ``getrusage``'s ``ru_maxrss`` would not do, because Linux carries the parent's peak over into a child
started by fork and exec, so it reported the parent's memory (which holds the COPY rows) rather than the import's.
The limit: the rows the import writes (pupils, guardians, guardianships, enrolment moves; numbers already
encrypted and hashed, ids already drawn) are COPYed into the same tables of a fresh school in one transaction, a
block of rows at a time with only the COPY statements timed, then rolled back. Both write into an empty school (a
new roster), with the same indexes and constraints.
"""

from __future__ import annotations

import argparse
import csv
import itertools
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
# XIAOAN_BENCH_CITY_ROSTER_ROWS: fewer rows for a shorter city run
ROWS = {"small": 20_000, "city": int(os.environ.get("XIAOAN_BENCH_CITY_ROSTER_ROWS", 2_400_000))}
COPY_BLOCK = 50_000  # rows prepared (untimed) before each timed round of COPY statements
FORMATS = ("csv", "xlsx")


def write_file(path: Path, rows: int) -> None:
    from xiaoan.students.testing import roster_csv_lines

    with path.open("w", encoding="utf-8") as out:
        out.writelines(roster_csv_lines(rows))


def write_xlsx(csv_path: Path, path: Path) -> None:
    """The CSV's rows as an xlsx written as exports are (openpyxl's write-only mode, inline strings)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    with csv_path.open(encoding="utf-8", newline="") as source:
        for line in csv.reader(source):
            sheet.append(line)
    workbook.save(path)


def peak_rss_mb() -> float:
    """The peak resident memory of this process image: ``VmHWM`` starts afresh at exec, ``ru_maxrss`` does not."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
    """Seconds to COPY the import's rows for the file into a fresh school's tables (rolled back), and rows.

    The file is read a block of rows at a time so this process stays small at the city's scale; only the COPY
    statements (and the deferred foreign-key checks at the end) are timed."""
    from django.db import connection, transaction

    from xiaoan.students import bulk
    from xiaoan.students.models import Guardian, Guardianship, Pupil, PupilMove

    seconds, copied = 0.0, 0
    with transaction.atomic():
        school, principal = fresh_school("COPY")
        rows = _CopyRows(school, principal)
        with path.open(encoding="utf-8", newline="") as source:
            lines = csv.reader(source)
            next(lines)
            while block := list(itertools.islice(lines, COPY_BLOCK)):
                pupils, guardians, ties, moves = rows.of(block)
                started = time.perf_counter()
                bulk.insert_rows(Pupil, bulk.PUPIL_INSERT, pupils)
                bulk.insert_rows(Guardian, bulk.GUARDIAN_INSERT, guardians)
                bulk.insert_rows(Guardianship, bulk.TIE_INSERT, ties)
                bulk.insert_rows(PupilMove, bulk.MOVE_INSERT, moves)
                seconds += time.perf_counter() - started
                copied += len(pupils)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks count too
        seconds += time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, copied


class _CopyRows:
    """The table rows the import writes for the benchmark file's lines, prepared outside the timed COPY."""

    def __init__(self, school: Any, principal: Any) -> None:
        from django.utils import timezone

        from xiaoan.students import bulk
        from xiaoan.students.imports import RosterImport

        self.school, self.principal = school, principal
        self.spec = RosterImport(actor=principal, unit=school)
        self.today, self.now, self.sealer = timezone.localdate(), timezone.now(), bulk.Sealer()
        self.classes: dict[str, int] = {}
        self.by_mobile: dict[str, int] = {}  # siblings share a guardian, also across blocks

    def class_id(self, written: str) -> int:
        from xiaoan.students.grades import school_year_of
        from xiaoan.students.models import SchoolClass

        grade, name = self.spec.class_of(_Row({"class_name": written}))  # type: ignore[misc]
        if name not in self.classes:
            self.classes[name] = (
                SchoolClass.objects.system("benchmark")
                .create(unit=self.school, school_year=school_year_of(self.today), grade=grade, name=name)
                .pk
            )
        return self.classes[name]

    def of(self, lines: list[list[str]]) -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
        from xiaoan.students import bulk
        from xiaoan.students.identity import birth_date_of
        from xiaoan.students.models import Guardian, Pupil

        school, today, now, sealer = self.school.pk, self.today, self.now, self.sealer
        pupil_ids = iter(bulk.allocate_ids(Pupil, len(lines)))
        new_mobiles = {line[n] for line in lines for n in (7, 10) if line[n]} - self.by_mobile.keys()
        guardian_ids = iter(bulk.allocate_ids(Guardian, len(new_mobiles)))
        pupils, guardians, ties, moves = [], [], [], []
        for line in lines:
            class_id, pupil_id = self.class_id(line[0]), next(pupil_ids)
            pupils.append((pupil_id, school, class_id, line[1], "M" if line[2] == "男" else "F",
                           birth_date_of(line[4]), line[3], sealer.seal(line[4]), sealer.digest("id:", line[4]),
                           "enrolled", today, now, now))  # fmt: skip
            moves.append((pupil_id, None, school, None, class_id, "enrolment", today, self.principal.pk, now))
            for order, (guardian, relation, mobile) in enumerate((line[5:8], line[8:11]), start=1):
                if not guardian:
                    continue
                if mobile not in self.by_mobile:
                    self.by_mobile[mobile] = next(guardian_ids)
                    guardians.append((self.by_mobile[mobile], school, guardian, sealer.seal(mobile),
                                      sealer.digest("mobile:", mobile), now))  # fmt: skip
                ties.append((pupil_id, self.by_mobile[mobile], "mother" if relation == "母亲" else "father",
                             order == 1, order))  # fmt: skip
        return pupils, guardians, ties, moves


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
    base_rss = peak_rss_mb()
    with path.open("rb") as upload:
        job = import_submit(
            actor=principal, unit=school, spec_name="roster", upload=File(upload, name="名册" + path.suffix)
        )
    started = time.perf_counter()
    import_run(job_id=job.pk)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    return {
        "seconds": seconds,
        "state": job.state,
        "message": job.message,
        "created": job.created_count,
        "peak_rss_mb": peak_rss_mb(),
        "base_rss_mb": base_rss,  # Django and the app loaded, before the import
    }


def roster_import(env: dict[str, str], rows: int, *, file_format: str = "csv") -> list[Figure]:
    """Both figures for ``rows`` pupils: throughput against COPY, and peak memory of the importing process."""
    with tempfile.TemporaryDirectory(prefix="xiaoan-roster-") as folder:
        path = Path(folder) / "roster.csv"
        write_file(path, rows)
        upload = path
        if file_format == "xlsx":
            upload = Path(folder) / "roster.xlsx"
            write_xlsx(path, upload)
        size_mb = upload.stat().st_size / 2**20
        copy_seconds, copied = copy_limit(path)
        from django.db import connections

        connections.close_all()
        done = subprocess.run(
            [sys.executable, "-m", "bench.roster_import", "--child", str(upload)],
            env=env, cwd=PROJECT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"the roster import child failed: {done.stderr[-2000:]}")
        measured = json.loads(done.stdout.strip().splitlines()[-1])
    if measured["state"] != "succeeded" or measured["created"] != rows:
        raise RuntimeError(f"the roster import did not succeed: {measured}")
    details = {"rows": rows, "format": file_format, "file_mb": round(size_mb, 1),
               "import_s": round(measured["seconds"], 2), "copy_s": round(copy_seconds, 2),
               "copied_pupils": copied}  # fmt: skip
    suffix = "" if file_format == "csv" else f" ({file_format})"
    return [
        Figure(
            key="roster_import" + ("" if file_format == "csv" else "_" + file_format),
            label=f"roster import{suffix}, {rows:,} pupils with guardians, end to end (rows/s)",
            value=round(rows / measured["seconds"]),
            unit="rows/s",
            limit=round(rows / copy_seconds),
            limit_label="COPY of the same rows into the same tables",
            targets=[Target("min_ratio", 0.3, "≥ 30% of COPY throughput, including validation (issue 4)")],
            details=details,
        ),
        Figure(
            key="roster_import_memory" + ("" if file_format == "csv" else "_" + file_format),
            label=f"roster import{suffix}, {rows:,} pupils: peak memory of the importing process",
            value=round(measured["peak_rss_mb"], 1),
            unit="MB",
            targets=[Target("max", 500, "peak memory under 500 MB regardless of file size (issue 4)")],
            details={
                "rows": rows,
                "format": file_format,
                "file_mb": round(size_mb, 1),
                "before_import_mb": round(measured["base_rss_mb"], 1),
            },
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.roster_import", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=ROWS[os.environ.get("SCALE", "small")])
    parser.add_argument("--format", choices=FORMATS, default="csv", help="the uploaded file's format")
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
    for figure in roster_import(env, args.rows, file_format=args.format):
        print(json.dumps(figure.as_dict(), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
