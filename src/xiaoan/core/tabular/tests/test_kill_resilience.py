"""A 50,000-row schools import killed with SIGKILL at 20 points leaves all rows or none, and a job that can be retried.

One uninterrupted run measures the import's own phases (validating every row, then the one commit). The kill
points are spread evenly over those phases, each timed from the child's own marker for the start of its phase,
so a machine slowed by other work still sees its kills land where they were aimed.

The kills run in chains on one database: the process after a kill is the retry (the reaper, then the same file
again), and it is itself killed at the next point — so a retry is tried after every kill, recovery from a crash
during a retry is covered too, and each chain ends with a retry that runs to the end. Two chains run at a time
(the machine has two cores and the parent mostly waits). Children reuse one bytecode cache, because with
``PYTHONDONTWRITEBYTECODE`` every child would spend two seconds compiling Django again.
"""

import concurrent.futures
import csv
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from xiaoan.core.tests.sqlite_child import child_command, child_env, migrated_copy

ROWS = int(os.environ.get("XIAOAN_KILL_TEST_ROWS", 50_000))
KILLS = int(os.environ.get("XIAOAN_KILL_TEST_KILLS", 20))
CHAIN = int(os.environ.get("XIAOAN_KILL_TEST_CHAIN", 5))  # kills per chain; each chain ends with a full retry
PARALLEL = int(os.environ.get("XIAOAN_KILL_TEST_PARALLEL", 2))
CODE_PREFIX = "32"
SEED = int(os.environ.get("XIAOAN_KILL_TEST_SEED", 7))
PHASES = {"validation": ("JOB", "COMMIT_BEGIN"), "commit": ("COMMIT_BEGIN", "COMMIT_END")}
CHILD_TIMEOUT = 600

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite file database: checks PRAGMA integrity_check"),
    pytest.mark.django_db(transaction=True),
]


@dataclass(frozen=True)
class Kill:
    number: int
    phase: str
    delay: float  # seconds after the phase's start marker


@dataclass
class Landing:
    kill: Kill
    where: str  # "before the commit", "during the commit", "after the commit"


@pytest.fixture(scope="session")
def schools_file(tmp_path_factory):
    """The schools table, written once per session (CSV: 0.1 s for 50,000 rows; the same reader path as xlsx)."""
    path = tmp_path_factory.mktemp("kill") / "学校.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(
            ["学校名称", "学校标识码", "上级单位代码", "学段", "在校学生数", "住宿生数", "是否寄宿", "经度", "纬度"]
        )
        for i in range(ROWS):
            stage = "小学" if i % 2 else "初中"
            out.writerow(
                [f"测试学校{i}", f"{CODE_PREFIX}{i:08d}", "411302", stage, 500 + i % 900, i % 50, "是", 112.5, 33]
            )
    return path


@pytest.fixture(scope="session")
def bytecode_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("pycache")


def state_of(database):
    with sqlite3.connect(database) as check:
        schools = check.execute("SELECT COUNT(*) FROM orgs_unit WHERE code LIKE ?", [CODE_PREFIX + "%"]).fetchone()[0]
        jobs = check.execute("SELECT state FROM tabular_importjob ORDER BY id").fetchall()
        integrity = check.execute("PRAGMA integrity_check").fetchone()[0]
    return schools, [state for (state,) in jobs], integrity


def markers(log_path):
    """{"JOB": line, "COMMIT_BEGIN": line, ...} from the child's output (time.monotonic() of each step)."""
    found = {}
    for line in Path(log_path).read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in {"JOB", "COMMIT_BEGIN", "COMMIT_END", "DONE", "REAPED"}:
            found[parts[0]] = line
    return found


def clock(found, name):
    return float(found[name].split()[-1])


class Runner:
    """Starts the child processes of one test: the same file, user and unit; a shared bytecode cache."""

    def __init__(self, schools_file: Path, bytecode_cache: Path) -> None:
        self.schools_file = schools_file
        self.bytecode_cache = bytecode_cache

    def start(self, command: str, database: Path, log_path: Path) -> subprocess.Popen:
        env = child_env(database, database.parent / "var")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(self.bytecode_cache)
        args = child_command(command, self.schools_file, "county_a_admin", "411302")
        with open(log_path, "w") as log:
            return subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)

    def finish(self, command: str, database: Path, log_path: Path) -> dict[str, str]:
        child = self.start(command, database, log_path)
        assert child.wait(timeout=CHILD_TIMEOUT) == 0, Path(log_path).read_text()[-3000:]
        return markers(log_path)


def wait_for(marker: str, child: subprocess.Popen, log_path: Path) -> bool:
    """Poll the child's output until ``marker`` appears (True) or the child has ended without it (False)."""
    deadline = time.monotonic() + CHILD_TIMEOUT
    while time.monotonic() < deadline:
        if marker in markers(log_path):
            return True
        if child.poll() is not None:
            return marker in markers(log_path)
        time.sleep(0.005)
    raise AssertionError(f"no {marker} from the child within {CHILD_TIMEOUT} s")


def plan_kills(phases: dict[str, float], rng: random.Random) -> list[Kill]:
    """Half the kills in each phase, at evenly spread fractions of it (jittered), shuffled over the chains."""
    names = list(phases)
    per_phase = {name: [n for n in range(KILLS) if n % len(names) == index] for index, name in enumerate(names)}
    kills = []
    for name, numbers in per_phase.items():
        for slot, number in enumerate(numbers):
            fraction = (slot + rng.random()) / len(numbers)
            kills.append(Kill(number, name, fraction * phases[name]))
    rng.shuffle(kills)
    return kills


def check_after_kill(database: Path, kill: Kill, seen: dict[str, str], reaped_before: str | None) -> str:
    """All rows or none, an intact file, the previous stuck job reaped; returns the last job's state."""
    schools, jobs, integrity = state_of(database)
    assert integrity == "ok", f"kill {kill}: {integrity}"
    assert schools in (0, ROWS), f"kill {kill}: {schools} of {ROWS} schools; {seen}"
    if "COMMIT_END" in seen:
        assert schools == ROWS, f"kill {kill}: the commit ended but {schools} schools; {seen}"
    if "COMMIT_BEGIN" not in seen:
        assert schools == 0, f"kill {kill}: killed before the commit but {schools} schools; {seen}"
    check_reaped(seen, jobs, reaped_before)
    assert "running" not in jobs[:-1], jobs  # only the job just killed may still say "running"
    if schools == ROWS:
        assert jobs[-1] == "succeeded", jobs
    else:
        assert jobs[-1] in ("queued", "running"), jobs
    return jobs[-1]


def check_reaped(seen: dict[str, str], jobs: list[str], reaped_before: str | None) -> None:
    """The child's reaper failed the job the previous kill left running (and only that one)."""
    assert seen["REAPED"] == f"REAPED {1 if reaped_before == 'running' else 0}", (seen, reaped_before)
    if reaped_before is not None:
        assert jobs[-2] == ("failed" if reaped_before == "running" else "queued"), jobs


def where(seen: dict[str, str]) -> str:
    if "COMMIT_END" in seen:
        return "after the commit"
    if "COMMIT_BEGIN" in seen:
        return "during the commit"
    return "before the commit"


def run_chain(runner: Runner, pristine: Path, workdir: Path, kills: list[Kill]) -> list[Landing]:
    """Kill one import after another on one database; after a kill that left every row, start from a copy."""
    landings = []
    database, left = None, None  # ``left``: the state of the last job a kill left behind (None: fresh copy)
    for kill in kills:
        if database is None:
            database = Path(shutil.copy(pristine, workdir / f"chain{kill.number}.sqlite3"))
        log_path = workdir / f"kill{kill.number}.log"
        child = runner.start("retry", database, log_path)
        start_marker, _end = PHASES[kill.phase]
        if wait_for(start_marker, child, log_path):
            time.sleep(kill.delay)
        child.send_signal(signal.SIGKILL)
        child.wait()
        seen = markers(log_path)
        assert "JOB" in seen, f"kill {kill}: the child stopped before storing its job: {log_path.read_text()[-3000:]}"
        left = check_after_kill(database, kill, seen, left)
        landings.append(Landing(kill, where(seen)))
        if left == "succeeded":
            database.unlink()
            database, left = None, None
    if database is not None:
        seen = runner.finish("retry", database, workdir / f"retry{kills[-1].number}.log")
        schools, jobs, integrity = state_of(database)
        assert (schools, integrity) == (ROWS, "ok")
        check_reaped(seen, jobs, left)
        assert jobs[-1] == "succeeded" and "running" not in jobs, jobs
        database.unlink()
    return landings


def test_a_schools_import_killed_at_points_over_its_phases_leaves_all_rows_or_none_and_can_be_retried(
    city, schools_file, bytecode_cache, tmp_path
):
    pristine = migrated_copy(tmp_path / "pristine.sqlite3")
    runner = Runner(schools_file, bytecode_cache)

    # one uninterrupted run: how long each phase of the import takes on this machine
    measured = runner.finish("import", Path(shutil.copy(pristine, tmp_path / "measure.sqlite3")), tmp_path / "m.log")
    assert "DONE succeeded" in measured["DONE"], measured
    assert state_of(tmp_path / "measure.sqlite3") == (ROWS, ["succeeded"], "ok")
    phases = {name: clock(measured, end) - clock(measured, start) for name, (start, end) in PHASES.items()}

    kills = plan_kills(phases, random.Random(SEED))
    chains = [kills[start : start + CHAIN] for start in range(0, len(kills), CHAIN)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        futures = [pool.submit(run_chain, runner, pristine, tmp_path, chain) for chain in chains]
        landings = [landing for future in futures for landing in future.result()]

    assert len(landings) == KILLS
    landed = {
        place: sum(1 for x in landings if x.where == f"{place} the commit") for place in ("before", "during", "after")
    }
    timing = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items())
    print(f"\n{ROWS} rows: {timing}; {KILLS} kills in {len(chains)} chains, landed {landed}")
    assert landed["before"] > 0 and landed["during"] > 0, landed
