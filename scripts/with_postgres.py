#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL cluster.

    scripts/with_postgres.py [options] -- COMMAND [ARG ...]

Starts a private cluster (temporary data and socket folders, a free port on 127.0.0.1, trust
authentication, durability switched off for speed), creates a database, exports

    DATABASE_URL=postgres://postgres@127.0.0.1:PORT/xiaoan_test   (and PGHOST/PGPORT/PGUSER/PGDATABASE)

runs COMMAND, then stops the cluster and deletes its folders, also when the command fails or the
run is interrupted. Exits with the command's exit status.

With --replica it also starts a streaming replica of that cluster (pg_basebackup -R from the primary, hot standby,
another free port) and exports

    DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:REPLICA_PORT/xiaoan_test

The replica is synchronous (the primary's commits wait until the replica has applied them, remote_apply), so a
test that writes and then reads through the replica sees its write; --async-replica leaves it asynchronous, as
production replicas usually are. Both clusters are stopped and removed at the end.

`initdb` refuses to run as root: as root the server programs run as the `postgres` system user
(created by Debian's postgresql package) through `runuser`. Standard library only.
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "128MB",
    "log_min_messages": "warning",
    "log_min_duration_statement": "-1",
}
REPLICATION_SETTINGS = {
    "wal_level": "replica",
    "max_wal_senders": "5",
    "max_replication_slots": "5",
    "hot_standby": "on",
}
REPLICATION_HBA = "host    replication     all             127.0.0.1/32            trust"
SYNCHRONOUS_SETTINGS = {"synchronous_standby_names": "'*'", "synchronous_commit": "remote_apply"}
REPLICATION_SLOT = "xiaoan_test_replica"
SYNC_WAIT_SECONDS = 30


def log(message: str) -> None:
    print(f"with_postgres: {message}", file=sys.stderr, flush=True)


def find_bindir(explicit: str | None) -> Path:
    """The newest /usr/lib/postgresql/N/bin holding the server programs, else the one on PATH."""
    if explicit:
        return Path(explicit)

    def version(path: str) -> tuple[int, ...]:
        match = re.search(r"/postgresql/([\d.]+)/bin/", path)
        return tuple(int(part) for part in match.group(1).split(".")) if match else (0,)

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    if candidates:
        return Path(candidates[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    raise SystemExit(
        "with_postgres: PostgreSQL server programs (initdb, pg_ctl) not found. "
        "Run `make install` (Debian package `postgresql`) or pass --bindir."
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    def __init__(self, bindir: Path, dbname: str, verbose: bool) -> None:
        self.bindir = bindir
        self.dbname = dbname
        self.verbose = verbose
        self.root = Path(tempfile.mkdtemp(prefix="xiaoan-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.logfile = self.root / "server.log"
        self.port = 0
        self.started = False
        self.run_as: str | None = None
        if os.geteuid() == 0:
            self.run_as = self._unprivileged_user()
            entry = pwd.getpwnam(self.run_as)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        for folder in (self.data, self.sockets):
            folder.mkdir(mode=0o700)
            if self.run_as:
                entry = pwd.getpwnam(self.run_as)
                os.chown(folder, entry.pw_uid, entry.pw_gid)

    @staticmethod
    def _unprivileged_user() -> str:
        for name in ("postgres", "nobody"):
            try:
                pwd.getpwnam(name)
            except KeyError:
                continue
            if name != "postgres":
                log(f"no `postgres` system user; running the server as `{name}`")
            return name
        raise SystemExit("with_postgres: running as root and no `postgres` user exists; run `make install`")

    def _server(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a server program, as the unprivileged user when we are root."""
        command = [str(self.bindir / program), *args]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        result = subprocess.run(command, cwd=self.root, capture_output=True, text=True)
        if self.verbose or (check and result.returncode != 0):
            sys.stderr.write(result.stdout + result.stderr)
        if check and result.returncode != 0:
            raise RuntimeError(f"{program} failed with exit status {result.returncode}")
        return result

    def start(self, *, replication: bool = False) -> None:
        self._server(
            "initdb", "-D", str(self.data), "--auth=trust", "--username=postgres", "--encoding=UTF8",
            "--no-locale", "--no-sync",
        )  # fmt: skip
        self._configure({**SERVER_SETTINGS, **(REPLICATION_SETTINGS if replication else {})})
        if replication:
            self._allow_replication()
        self._start_server()
        subprocess.run(
            [str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", self.dbname],
            check=True,
        )

    def start_standby(self, primary: Cluster) -> None:
        """A hot standby streaming from ``primary``: a base backup with the recovery settings written (-R)."""
        self._server(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-D", str(self.data),
            "-R", "-X", "stream", "-C", "-S", REPLICATION_SLOT, "-c", "fast", "--no-sync",
        )  # fmt: skip
        self._configure({"hot_standby": "on"})  # the primary's settings came with the backup; own socket folder
        self._start_server()

    def make_synchronous(self) -> None:
        """Commits wait until a standby has applied them; returns once the standby is streaming synchronously."""
        self._configure(SYNCHRONOUS_SETTINGS)
        self._server("pg_ctl", "-D", str(self.data), "reload")
        deadline = time.monotonic() + SYNC_WAIT_SECONDS
        while time.monotonic() < deadline:
            if self.query("SELECT sync_state FROM pg_stat_replication WHERE state = 'streaming'") == "sync":
                return
            time.sleep(0.1)
        raise RuntimeError(f"the replica did not become synchronous within {SYNC_WAIT_SECONDS}s")

    def query(self, sql: str) -> str:
        result = subprocess.run(
            [str(self.bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres",
             "-Atc", sql],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return result.stdout.strip()

    def _configure(self, settings: dict[str, str]) -> None:
        """Append settings to postgresql.conf (the last occurrence of a setting wins)."""
        settings = {**settings, "unix_socket_directories": f"'{self.sockets}'"}
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# with_postgres.py: throwaway test cluster\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def _allow_replication(self) -> None:
        hba = self.data / "pg_hba.conf"
        lines = hba.read_text(encoding="utf-8").splitlines()
        if not any(line.split()[:2] == ["host", "replication"] and "127.0.0.1/32" in line for line in lines):
            with open(hba, "a", encoding="utf-8") as out:
                out.write(REPLICATION_HBA + "\n")

    def _start_server(self) -> None:
        for attempt in range(1, 4):
            self.port = free_port()
            result = self._server(
                "pg_ctl", "-D", str(self.data), "-l", str(self.logfile), "-w", "-t", "60",
                "-o", f"-p {self.port}", "start", check=False,
            )  # fmt: skip
            if result.returncode == 0:
                self.started = True
                return
            log(f"start on port {self.port} failed (attempt {attempt}):")
            sys.stderr.write(result.stdout + result.stderr + self._log_tail())
        raise RuntimeError("PostgreSQL did not start")

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-20:]) + "\n"
        except OSError:
            return ""

    def stop(self) -> None:
        if self.started:
            result = self._server("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
            if result.returncode != 0:
                log("pg_ctl stop failed:\n" + result.stdout + result.stderr)
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)

    def environment(self) -> dict[str, str]:
        return {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.port}/{self.dbname}",
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "PGUSER": "postgres",
            "PGDATABASE": self.dbname,
        }

    def replica_environment(self) -> dict[str, str]:
        return {"DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{self.port}/{self.dbname}"}


class Terminated(Exception):
    pass


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--" in argv:
        split = argv.index("--")
        own, command = argv[:split], argv[split + 1 :]
    else:
        own, command = argv, []
    parser = argparse.ArgumentParser(
        prog="with_postgres.py", usage="%(prog)s [options] -- COMMAND [ARG ...]", description=__doc__
    )
    parser.add_argument("--dbname", default="xiaoan_test", help="database to create (default: xiaoan_test)")
    parser.add_argument("--bindir", help="folder holding initdb/pg_ctl (default: newest /usr/lib/postgresql/*/bin)")
    parser.add_argument("--verbose", action="store_true", help="show the output of initdb and pg_ctl")
    parser.add_argument(
        "--replica", action="store_true", help="also start a synchronous streaming replica (DATABASE_REPLICA_URL)"
    )
    parser.add_argument("--async-replica", action="store_true", help="like --replica, but asynchronous")
    args = parser.parse_args(own)
    if not command:
        parser.error("no command given (put it after --)")

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        raise Terminated(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    started_at = time.monotonic()
    bindir = find_bindir(args.bindir)
    cluster = Cluster(bindir, args.dbname, args.verbose)
    replica = Cluster(bindir, args.dbname, args.verbose) if args.replica or args.async_replica else None
    child: subprocess.Popen[bytes] | None = None
    status = 1
    try:
        cluster.start(replication=replica is not None)
        environment = cluster.environment()
        version = cluster._server("postgres", "--version").stdout.strip()
        where = f"127.0.0.1:{cluster.port}"
        if replica:
            replica.start_standby(cluster)
            if not args.async_replica:
                cluster.make_synchronous()
            environment.update(replica.replica_environment())
            mode = "asynchronous" if args.async_replica else "synchronous"
            where += f", {mode} replica on 127.0.0.1:{replica.port}"
        log(f"{version} on {where}, ready in {time.monotonic() - started_at:.1f}s")
        child = subprocess.Popen(command, env={**os.environ, **environment})
        while True:
            try:
                status = child.wait()
                break
            except KeyboardInterrupt:
                # Ctrl-C reached the child too (same process group); let it finish its own clean-up.
                log("interrupted; waiting for the command to stop")
    except Terminated as exc:
        log(f"received signal {exc.args[0]}; stopping")
        status = 128 + int(exc.args[0])
        if child and child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
    except KeyboardInterrupt:
        status = 130
    except (RuntimeError, subprocess.CalledProcessError, OSError) as exc:
        log(f"error: {exc}")
        status = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if replica:
            replica.stop()  # first: a primary waiting for a synchronous standby is stopped without it anyway
        cluster.stop()
        log("replica and cluster stopped and removed" if replica else "cluster stopped and removed")
    if status < 0:  # killed by a signal
        status = 128 - status
    return status


if __name__ == "__main__":
    sys.exit(main())
