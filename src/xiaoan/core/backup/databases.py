"""A private connection to any database a settings dict describes, and PostgreSQL's own dump and restore tools."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (Chinese first, then English)."""


@contextmanager
def standalone_connection(settings_dict: dict[str, Any]) -> Iterator[BaseDatabaseWrapper]:
    """A connection of its own to the database ``settings_dict`` describes (not one of Django's aliases)."""
    # registered under a temporary alias (parts of the backends look their connection up by alias), but not
    # among the configured databases: it is never handed out to anything else
    alias = f"xiaoan-backup-{uuid.uuid4().hex[:8]}"
    backend = load_backend(settings_dict["ENGINE"])
    connection = backend.DatabaseWrapper({**settings_dict, "CONN_MAX_AGE": 0}, alias=alias)
    connections[alias] = connection
    try:
        yield connection
    finally:
        connection.close()
        del connections[alias]


def vendor_of(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"不支持的数据库：{engine}。 Unsupported database engine {engine}.")


def has_tables(settings_dict: dict[str, Any]) -> bool:
    if vendor_of(settings_dict) == "sqlite" and not Path(settings_dict["NAME"]).exists():
        return False
    with standalone_connection(settings_dict) as connection, connection.cursor() as cursor:
        return bool(connection.introspection.table_names(cursor))


# --- PostgreSQL tools ---------------------------------------------------------------------------


def pg_program(name: str) -> str:
    """The newest ``/usr/lib/postgresql/N/bin/<name>`` (pg_dump must not be older than the server), else PATH."""
    configured = os.environ.get("XIAOAN_PG_BINDIR")
    if configured:
        return str(Path(configured) / name)

    def version(path: str) -> tuple[int, ...]:
        match = re.search(r"/postgresql/([\d.]+)/bin/", path)
        return tuple(int(part) for part in match.group(1).split(".")) if match else (0,)

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    if candidates:
        return candidates[-1]
    found = shutil.which(name)
    if not found:
        raise BackupError(f"找不到 {name}，请安装 PostgreSQL 客户端。 {name} not found: install the PostgreSQL client.")
    return found


def pg_arguments(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """libpq connection options for pg_dump/pg_restore; the password goes in the environment, not argv."""
    args = ["--dbname", str(settings_dict["NAME"])]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [option, str(settings_dict[key])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def run_tool(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} 失败 / failed ({result.returncode}): {result.stderr.strip()[-2000:]}"
        )
