"""Child processes for the SQLite reliability tests: real OS processes writing to one SQLite file through Django.

The parent (a test) makes a migrated copy of the test database with ``migrated_copy`` and starts
``python -m xiaoan.core.tests.sqlite_child COMMAND ...`` with ``child_env``; the child sets Django up with the
production settings module pointed at that file (WAL, IMMEDIATE transactions, busy timeout).

    write WORKER COUNT GO_FILE      COUNT rule-value rows, one transaction each, once GO_FILE exists
    import FILE USERNAME UNIT_CODE  submit and run a "schools" import; prints JOB, COMMIT_BEGIN, COMMIT_END, DONE
                                    each with time.monotonic() (one clock for all processes on Linux)
    retry FILE USERNAME UNIT_CODE   the reaper (threshold 0 minutes: prints REAPED n), then the same import
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import sys
import time
from pathlib import Path

CHILD_MODULE = "xiaoan.core.tests.sqlite_child"


def migrated_copy(target: Path) -> Path:
    """A copy of the (migrated) test database's committed state, made with the online backup API."""
    from django.db import connection

    assert connection.vendor == "sqlite"
    source = sqlite3.connect(connection.settings_dict["NAME"])
    copy = sqlite3.connect(target)
    source.backup(copy)
    copy.execute("PRAGMA journal_mode=WAL")
    copy.close()
    source.close()
    return target


def child_env(database: Path, var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="xiaoan.config.settings",
        XIAOAN_SQLITE_PATH=str(database),
        XIAOAN_VAR_DIR=str(var_dir),
        XIAOAN_TESTING="1",
        DEBUG="1",
        PYTHONUNBUFFERED="1",
    )
    return env


def child_command(*args: object) -> list[str]:
    return [sys.executable, "-m", CHILD_MODULE, *(str(arg) for arg in args)]


def _setup() -> None:
    import django
    from django.conf import settings

    # the database is the point; the cache and the queue stay in memory so no other table is involved
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    django.setup()


def write(worker: int, count: int, go_file: Path) -> dict[str, float | int]:
    from django.db import OperationalError, transaction

    from xiaoan.core.rules.models import RuleValue

    RuleValue.objects.exists()  # connect before the start line
    (go_file.parent / f"ready-{worker}").touch()
    while not go_file.exists():
        time.sleep(0.01)
    written = locked = 0
    started = time.monotonic()
    first_day = dt.date(2000, 1, 1)
    for index in range(count):
        try:
            with transaction.atomic():
                RuleValue.objects.create(
                    key=f"concurrency.worker{worker}", valid_from=first_day + dt.timedelta(days=index), value=index
                )
            written += 1
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            locked += 1
    return {"worker": worker, "written": written, "locked": locked, "seconds": time.monotonic() - started}


def _say(marker: str) -> None:
    print(f"{marker} {time.monotonic():.4f}", flush=True)


def run_import(path: Path, username: str, unit_code: str) -> None:
    from django.core.files import File

    from xiaoan.core.tabular import services
    from xiaoan.orgs.models import Unit, User

    original_commit = services._commit

    def announced_commit(*args, **kwargs):
        _say("COMMIT_BEGIN")
        original_commit(*args, **kwargs)
        _say("COMMIT_END")

    services._commit = announced_commit
    actor = User.objects.get(username=username)
    unit = Unit.objects.system("test child").get(code=unit_code)
    with open(path, "rb") as fh:
        job = services.import_submit(actor=actor, unit=unit, spec_name="schools", upload=File(fh, name=path.name))
    _say("JOB")
    job = services.import_run(job_id=job.pk)
    assert job is not None
    _say(f"DONE {job.state}")


def reap() -> None:
    from xiaoan.core.tabular.services import import_reap_stuck

    print(f"REAPED {import_reap_stuck(older_than_minutes=0)}", flush=True)


def main(argv: list[str]) -> None:
    _setup()
    command, args = argv[0], argv[1:]
    if command == "write":
        print(json.dumps(write(int(args[0]), int(args[1]), Path(args[2]))), flush=True)
    elif command == "import":
        run_import(Path(args[0]), args[1], args[2])
    elif command == "retry":
        reap()
        run_import(Path(args[0]), args[1], args[2])
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
