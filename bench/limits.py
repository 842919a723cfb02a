"""The machine's own limits: pgbench with the baseline statement, and raw SQL timed with psycopg."""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psycopg

COUNTER_TABLE = "bench_counter"
COUNTER_ROWS = 100_000
# The statement of the bare Django view and of pgbench (":id" is pgbench's variable syntax).
UPDATE_SQL = f"UPDATE {COUNTER_TABLE} SET hits = hits + 1, touched_at = now() WHERE id = :id"  # noqa: S608


def create_counter_table(conninfo: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {COUNTER_TABLE}")
        conn.execute(
            f"CREATE TABLE {COUNTER_TABLE} (id integer PRIMARY KEY, hits bigint NOT NULL DEFAULT 0, "
            "touched_at timestamptz)"
        )
        conn.execute(f"INSERT INTO {COUNTER_TABLE} (id) SELECT generate_series(1, %s)", [COUNTER_ROWS])
        conn.execute(f"VACUUM ANALYZE {COUNTER_TABLE}")


def parse_pgbench(output: str) -> float:
    match = re.search(r"tps = ([\d.]+)", output)
    if not match:
        raise RuntimeError(f"cannot read pgbench's output:\n{output}")
    return float(match.group(1))


def run_pgbench(*, seconds: float, clients: int, threads: int, env: dict[str, str]) -> float:
    """Transactions per second of UPDATE_SQL on random rows, ``clients`` connections, fixed duration."""
    script = f"\\set id random(1, {COUNTER_ROWS})\n{UPDATE_SQL};\n"
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
        handle.write(script)
        path = handle.name
    command = ["pgbench", "-n", "-c", str(clients), "-j", str(threads), "-T", f"{seconds:.0f}", "-f", path]
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=seconds + 60, check=False)
    finally:
        Path(path).unlink(missing_ok=True)
    if done.returncode != 0:
        raise RuntimeError(f"pgbench failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return parse_pgbench(done.stdout)


def time_statements(conninfo: str, statements: Sequence[str], *, repeat: int) -> list[float]:
    """Wall time of running ``statements`` one after the other on one connection, ``repeat`` times (after a
    warm-up round). Each statement is fetched completely, as a page would."""
    timings = []
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for round_number in range(repeat + 1):
            started = time.perf_counter()
            for sql in statements:
                cursor = conn.execute(sql)  # already interpolated by Django; no parameters
                if cursor.description is not None:
                    cursor.fetchall()
            if round_number:
                timings.append(time.perf_counter() - started)
    return timings


def server_version(conninfo: str) -> str:
    with psycopg.connect(conninfo) as conn:
        row: Any = conn.execute("SELECT version()").fetchone()
        return str(row[0]).split(" on ")[0]
