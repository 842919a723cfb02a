#!/usr/bin/env python3
"""Run the checks behind `make test` and print one summary.

1. `make lint`
2. the whole pytest suite (browser tests included) on SQLite
3. the same suite on a throwaway PostgreSQL cluster with a streaming read replica (scripts/with_postgres.py
   --replica), so the replica router's tests run against a real replica

Every stage runs even when an earlier one fails, so one run shows everything that is wrong.
A pytest run that executes no test counts as a failure (pytest's exit status 5). Extra arguments go
to both pytest runs, e.g. `scripts/run_tests.py -k workflow` or `make test PYTEST_ARGS="-x"`.
Options: --skip-lint, --only sqlite|postgres. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "build" / "test-results"
PYTEST_NO_TESTS_COLLECTED = 5


@dataclass
class Stage:
    name: str
    status: int = -1
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    note: str = ""

    @property
    def passed(self) -> bool:
        return self.status == 0

    def line(self) -> str:
        verdict = "PASS" if self.passed else "FAIL"
        detail = ", ".join(f"{count} {kind}" for kind, count in self.counts.items() if count or kind == "passed")
        extra = f" ({detail})" if detail else ""
        note = f" - {self.note}" if self.note else ""
        return f"  {verdict}  {self.name:<22}{extra} in {self.seconds:.0f}s{note}"


def banner(text: str) -> None:
    print(f"\n{'#' * 80}\n# {text}\n{'#' * 80}", flush=True)


def junit_counts(path: Path) -> dict[str, int]:
    """passed/failed/errors/skipped from a pytest JUnit XML report."""
    try:
        root = ET.parse(path).getroot()  # noqa: S314 - our own pytest's report
    except (OSError, ET.ParseError):
        return {}
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in suites:
        for key in total:
            total[key] += int(suite.get(key, 0))
    passed = total["tests"] - total["failures"] - total["errors"] - total["skipped"]
    return {"passed": passed, "failed": total["failures"], "errors": total["errors"], "skipped": total["skipped"]}


def run(stage: Stage, command: list[str], env: dict[str, str]) -> Stage:
    banner(f"{stage.name}: {' '.join(command)}")
    started = time.monotonic()
    stage.status = subprocess.run(command, cwd=ROOT, env=env).returncode
    stage.seconds = time.monotonic() - started
    return stage


def run_pytest(name: str, database: str, pytest_args: list[str], env: dict[str, str]) -> Stage:
    report = RESULTS / f"{database}.xml"
    report.unlink(missing_ok=True)
    # This script runs inside the project's environment (`uv run`), so its Python has pytest.
    pytest = [sys.executable, "-m", "pytest", f"--junitxml={report}", "-o", "junit_family=xunit2", *pytest_args]
    if database == "postgres":
        command = [sys.executable, "scripts/with_postgres.py", "--replica", "--", *pytest]
    else:
        command = pytest
    stage = run(Stage(name), command, env)
    stage.counts = junit_counts(report)
    executed = stage.counts.get("passed", 0) + stage.counts.get("failed", 0) + stage.counts.get("errors", 0)
    if stage.status == PYTEST_NO_TESTS_COLLECTED or (stage.status == 0 and executed == 0):
        stage.status = stage.status or PYTEST_NO_TESTS_COLLECTED
        stage.note = "no test was executed"
    return stage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None, allow_abbrev=False)
    parser.add_argument("--skip-lint", action="store_true", help="do not run `make lint`")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="run the suite on one database only")
    args, pytest_args = parser.parse_known_args(argv)

    RESULTS.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE": "true", "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)  # SQLite unless the harness sets it
    env.pop("DATABASE_REPLICA_URL", None)  # likewise the replica
    env.pop("DJANGO_SETTINGS_MODULE", None)  # pytest's configuration chooses the test settings

    make = shutil.which("make") or "make"
    stages: list[Stage] = []
    started = time.monotonic()
    if not args.skip_lint:
        stages.append(run(Stage("lint"), [make, "--no-print-directory", "lint"], env))
    if args.only in (None, "sqlite"):
        stages.append(run_pytest("tests on SQLite", "sqlite", pytest_args, env))
    if args.only in (None, "postgres"):
        stages.append(run_pytest("tests on PostgreSQL", "postgres", pytest_args, env))

    suites = [stage for stage in stages if stage.counts]
    passed = sum(stage.counts.get("passed", 0) for stage in suites)
    failed = sum(stage.counts.get("failed", 0) + stage.counts.get("errors", 0) for stage in suites)
    skipped = sum(stage.counts.get("skipped", 0) for stage in suites)
    ok = all(stage.passed for stage in stages)
    banner(f"SUMMARY: {'ALL PASSED' if ok else 'FAILED'} in {time.monotonic() - started:.0f}s")
    for stage in stages:
        print(stage.line())
    print(f"\nTotal: {passed} passed, {failed} failed, {skipped} skipped", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
