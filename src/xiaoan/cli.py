"""The `xiaoan` command: run the demo, the web server, the worker and common management tasks.

xiaoan demo [--port 8000]          migrate, collect static files, seed once, run worker + web server
xiaoan serve [--port 8000] ...     gunicorn (gthread workers) on 127.0.0.1
xiaoan worker [ARGS]               the django-q2 task cluster (manage.py qcluster)
xiaoan seed [ARGS]                 manage.py seed_demo (e.g. --scale demo|city)
xiaoan createadmin [ARGS]          manage.py createadmin
xiaoan migrate [ARGS]              manage.py migrate
xiaoan check-deploy [ARGS]         manage.py check --deploy --fail-level WARNING
xiaoan backup [--output DIR]       database + attachments into one archive with a manifest
xiaoan restore ARCHIVE [--force]   verify, restore database + attachments, compare with the manifest
xiaoan manage COMMAND [ARGS]       any manage.py command
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import FrameType

SETTINGS_MODULE = "xiaoan.config.settings"
DEFAULT_PORT = 8000

COMMANDS = {
    "demo": "run the embedded demo: migrate, collect static files, seed once, start worker and web server",
    "serve": "run the web server (gunicorn, gthread workers)",
    "worker": "run the background task worker (django-q2 qcluster)",
    "seed": "load demo data (manage.py seed_demo; --scale demo|city)",
    "createadmin": "create an administrator account (manage.py createadmin)",
    "migrate": "apply database migrations and create the cache table (manage.py migrate, createcachetable)",
    "check-deploy": "check production settings (manage.py check --deploy --fail-level WARNING)",
    "backup": "back up the database and the attachments into one archive (manage.py backup)",
    "restore": "restore a backup archive into an empty database (manage.py restore)",
    "manage": "run any Django management command",
}


def _usage() -> str:
    lines = ["usage: xiaoan COMMAND [ARGS ...]", "", "Xiao'an (校安) school safety management.", "", "commands:"]
    lines += [f"  {name:<13} {help_text}" for name, help_text in COMMANDS.items()]
    lines += ["", "`xiaoan COMMAND --help` shows the options of one command."]
    return "\n".join(lines)


def _setup_environment() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)


def _manage(*args: str) -> int:
    """Run a Django management command in this process, like `manage.py ARGS`."""
    _setup_environment()
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["xiaoan manage", *args])
    except SystemExit as exc:  # argparse errors and commands that exit
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def _default_port() -> int:
    return int(os.environ.get("PORT", DEFAULT_PORT))


def _default_workers() -> int:
    if os.environ.get("WEB_CONCURRENCY"):
        return int(os.environ["WEB_CONCURRENCY"])
    return min((os.cpu_count() or 1) + 1, 8)


# --- serve ---------------------------------------------------------------------------------------


def _serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xiaoan serve",
        description="Run the web server: gunicorn with gthread workers. Arguments after `--` go to gunicorn.",
    )
    parser.add_argument("--host", default=os.environ.get("XIAOAN_BIND_HOST", "127.0.0.1"), help="default 127.0.0.1")
    parser.add_argument("--port", type=int, default=_default_port(), help="default $PORT or 8000")
    parser.add_argument(
        "--workers", type=int, default=_default_workers(), help="processes (default $WEB_CONCURRENCY or CPUs + 1)"
    )
    parser.add_argument("--threads", type=int, default=int(os.environ.get("XIAOAN_THREADS", 4)), help="default 4")
    return parser


def _gunicorn_command(host: str, port: int, workers: int, threads: int, extra: list[str]) -> list[str]:
    """gthread workers that time each request's wait for a thread, so the public endpoints can shed overload."""
    from xiaoan.core.overload import WORKER_CLASS, WORKER_CONNECTIONS

    return [
        sys.executable, "-m", "gunicorn", "xiaoan.config.wsgi:application",
        "--worker-class", WORKER_CLASS, "--worker-connections", str(WORKER_CONNECTIONS),
        "--workers", str(workers), "--threads", str(threads),
        "--bind", f"{host}:{port}", "--access-logfile", "-", *extra,
    ]  # fmt: skip


def serve(argv: list[str]) -> int:
    own, extra = _split_dashdash(argv)
    args = _serve_parser().parse_args(own)
    _setup_environment()
    command = _gunicorn_command(args.host, args.port, args.workers, args.threads, extra)
    os.execv(sys.executable, command)  # noqa: S606 - replaces this process; gunicorn handles the signals
    return 0  # pragma: no cover


def _split_dashdash(argv: list[str]) -> tuple[list[str], list[str]]:
    if "--" in argv:
        index = argv.index("--")
        return argv[:index], argv[index + 1 :]
    return argv, []


# --- demo ----------------------------------------------------------------------------------------


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _wait_until_up(url: str, children: list[subprocess.Popen[bytes]], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            return False
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own loopback URL
                if response.status < 500:
                    return True
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    return False


def _stop(children: list[subprocess.Popen[bytes]], timeout: float = 15) -> None:
    """SIGTERM each child's process group (gunicorn and qcluster fork), then SIGKILL stragglers."""
    for child in children:
        if child.poll() is None:
            try:
                os.killpg(child.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            child.wait()


def _seed_if_empty() -> None:
    """Seed the demo data on the first run only (`seed_demo --if-empty`)."""
    from django.core.management import call_command, get_commands, load_command_class

    commands = get_commands()
    if "seed_demo" not in commands:
        print("xiaoan demo: the seed_demo command is not available; starting without demo data", file=sys.stderr)
        return
    parser = load_command_class(commands["seed_demo"], "seed_demo").create_parser("xiaoan", "seed_demo")
    if any("--if-empty" in action.option_strings for action in parser._actions):
        call_command("seed_demo", "--scale", "demo", "--if-empty")
        return
    # Older seed command without --if-empty: check for an existing unit tree ourselves.
    from django.apps import apps

    unit_model = apps.get_model("orgs", "Unit")
    if unit_model._base_manager.exists():
        print("xiaoan demo: database already has data; not seeding again")
    else:
        call_command("seed_demo", "--scale", "demo")


def _prepare_demo() -> Path:
    """Migrate, create the cache table, collect static files and seed, in this process. Returns the var/ folder."""
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    var_dir = Path(settings.VAR_DIR)
    for folder in (var_dir, Path(settings.MEDIA_ROOT), Path(settings.STATIC_ROOT)):
        folder.mkdir(parents=True, exist_ok=True)
    for entry in settings.STATICFILES_DIRS:
        source = Path(str(entry[1] if isinstance(entry, tuple) else entry))
        if not source.is_dir():
            print(f"xiaoan demo: WARNING: static folder {source} is missing; run `make install`", file=sys.stderr)
    steps: list[tuple[str, Callable[[], object]]] = [
        ("applying migrations", lambda: call_command("migrate", interactive=False, verbosity=0)),
        ("creating the cache table", lambda: call_command("createcachetable", verbosity=0)),
        ("collecting static files", lambda: call_command("collectstatic", interactive=False, verbosity=0)),
        ("loading demo data (first run only)", _seed_if_empty),
    ]
    for label, step in steps:
        started = time.monotonic()
        print(f"xiaoan demo: {label} …", flush=True)
        step()
        print(f"xiaoan demo: {label}: done in {time.monotonic() - started:.1f} s", flush=True)
    connections.close_all()  # the children open their own connections
    return var_dir


def demo(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="xiaoan demo",
        description="Run the embedded demo (SQLite in var/, demo accounts). Running it again keeps the data.",
    )
    parser.add_argument("--port", type=int, default=_default_port(), help="default $PORT or 8000")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes (default 2)")
    parser.add_argument("--timeout", type=float, default=90, help="seconds to wait for the server (default 90)")
    args = parser.parse_args(argv)

    os.environ["XIAOAN_DEMO"] = "1"
    _setup_environment()
    host = "127.0.0.1"
    if _port_in_use(host, args.port):
        print(
            f"xiaoan demo: port {args.port} is already in use (is a demo already running?). "
            f"Stop it, or choose another port: PORT={args.port + 1} make demo",
            file=sys.stderr,
        )
        return 1

    var_dir = _prepare_demo()

    children: list[subprocess.Popen[bytes]] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        # Each child gets its own session so that stopping it reaches the processes it forks.
        children.append(subprocess.Popen([sys.executable, "-m", "xiaoan.cli", "worker"], start_new_session=True))
        children.append(
            subprocess.Popen(
                [sys.executable, "-m", "xiaoan.cli", "serve", "--port", str(args.port), "--workers", str(args.workers)],
                start_new_session=True,
            )
        )
        url = f"http://{host}:{args.port}/"
        if not _wait_until_up(f"{url}accounts/login/", children, args.timeout):
            print("xiaoan demo: the web server did not come up; see the messages above", file=sys.stderr)
            _stop(children)
            return 1
        _announce(url, var_dir)
        while True:
            for child in children:
                code = child.poll()
                if code is not None:
                    name = "worker" if child is children[0] else "web server"
                    print(f"xiaoan demo: the {name} stopped (exit status {code}); stopping", file=sys.stderr)
                    _stop(children)
                    return code or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nxiaoan demo: stopping …", flush=True)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _stop(children)
        print("xiaoan demo: stopped. Run it again to continue with the same data.")
        return 0


def _announce(url: str, var_dir: Path) -> None:
    accounts = var_dir / "demo-accounts.txt"
    rule = "=" * 72
    print(f"\n{rule}\n校安 Xiao'an demo is running at {url}\n{rule}")
    if accounts.is_file():
        print("Demo accounts / 演示账号:\n")
        print(accounts.read_text(encoding="utf-8").rstrip())
    else:
        print(f"(No demo account list at {accounts}: the seed step did not write one.)")
    print(f"{rule}\nPress Ctrl-C to stop.\n", flush=True)


# --- entry point ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0
    command, rest = argv[0], argv[1:]
    if command == "demo":
        return demo(rest)
    if command == "serve":
        return serve(rest)
    if command == "worker":
        return _manage("qcluster", *rest)
    if command == "seed":
        return _manage("seed_demo", *rest)
    if command == "createadmin":
        return _manage("createadmin", *rest)
    if command == "migrate":
        # The database cache (used when REDIS_URL is unset) needs its table; creating it is idempotent.
        return _manage("migrate", *rest) or _manage("createcachetable")
    if command == "check-deploy":
        return _manage("check", "--deploy", "--fail-level", "WARNING", *rest)
    if command in {"backup", "restore"}:
        return _manage(command, *rest)
    if command == "manage":
        return _manage(*rest) if rest else _manage("help")
    print(f"xiaoan: unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
