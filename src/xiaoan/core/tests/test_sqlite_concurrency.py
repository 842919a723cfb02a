import json
import sqlite3
import subprocess
import time

import pytest
from django.db import connection

from xiaoan.core.tests.sqlite_child import child_command, child_env, migrated_copy

WORKERS = 8
WRITES = 1000

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite only: PostgreSQL has row-level locks, not one writer at a time"
)


def test_eight_processes_writing_a_thousand_rows_each_never_see_database_is_locked(db, tmp_path):
    database = migrated_copy(tmp_path / "concurrent.sqlite3")
    go = tmp_path / "go"
    env = child_env(database, tmp_path / "var")
    children = [
        subprocess.Popen(
            child_command("write", worker, WRITES, go),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(WORKERS)
    ]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready-*"))) < WORKERS and time.monotonic() < deadline:
        time.sleep(0.05)  # every child has set Django up and connected: the writes start together
    started = time.monotonic()
    go.touch()
    results = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    elapsed = time.monotonic() - started

    assert sum(result["locked"] for result in results) == 0
    assert sum(result["written"] for result in results) == WORKERS * WRITES
    with sqlite3.connect(database) as check:
        rows = check.execute("SELECT COUNT(*), COUNT(DISTINCT key) FROM rules_rulevalue").fetchone()
        assert check.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert rows == (WORKERS * WRITES, WORKERS)
    print(
        f"\n{WORKERS * WRITES} committed writes by {WORKERS} processes in {elapsed:.1f} s: "
        f"{WORKERS * WRITES / elapsed:.0f} writes/s, 0 'database is locked'"
    )
