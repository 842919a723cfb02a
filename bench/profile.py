"""Per-request query counts and time of the public endpoints and the busy pages, in production settings.

    uv run python -m bench.profile [--repeat N] [--profile NAME] [--show-sql NAME]

Without DATABASE_URL it starts a throwaway PostgreSQL first (scripts/with_postgres.py), migrates, generates the
small synthetic city and a city-wide letter, then drives each endpoint in-process with Django's test client:
mean and p95 wall time per request, SQL statements per request, and (``--profile NAME``) the top of a cProfile
of that endpoint. It is the tool for finding where a request spends its time; the harness (``bench.run``) is
the tool for the figures.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .environment import apply_production_environment

PROJECT = Path(__file__).resolve().parent.parent


@dataclass
class Case:
    name: str
    method: str
    path: Callable[[int], str]
    data: Callable[[int], dict[str, Any]] | None = None
    user: str | None = None


def _cases() -> list[Case]:
    from urllib.parse import parse_qs

    from xiaoan.families.models import Letter
    from xiaoan.hazards.models import ReportPoint
    from xiaoan.hazards.views.public import new_nonce

    from .benchmarks import PAGE_USERS, _receipt_links

    links = _receipt_links(20000, 0)
    half = len(links) // 2
    items = len(Letter.objects.system("profile").order_by("-id").values_list("items", flat=True)[0] or [])
    points = list(ReportPoint.objects.filter(is_active=True).order_by("id").values_list("token", flat=True)[:50])

    def report(index: int) -> dict[str, Any]:
        token = points[index % len(points)]
        return {"place": "操场东侧", "description": "围墙开裂，有倒塌危险。", "nonce": new_nonce(token), "website": ""}

    def confirm(index: int) -> dict[str, Any]:
        token = links[half + index][1]
        return {"t": token, **parse_qs("&".join(f"item={i}" for i in range(items)))}

    cases = [
        Case("receipt-view", "GET", lambda i: f"/families/r/{links[i][1]}/"),
        Case("receipt-confirm", "POST", lambda i: f"/families/r/{links[half + i][1]}/", confirm),
        Case("hazard-report", "POST", lambda i: f"/hazards/r/{points[i % len(points)]}/", report),
    ]
    for level, username in PAGE_USERS:
        cases.append(Case(f"home-{level}", "GET", lambda i: "/", user=username))
        cases.append(Case(f"hazards-{level}", "GET", lambda i: "/hazards/", user=username))
    return cases


def _client(case: Case) -> Any:
    from django.test import Client

    from xiaoan.orgs.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    if case.user:
        client.force_login(User.objects.get(username=case.user))
    return client


def _measure(case: Case, repeat: int, offset: int, show_sql: bool) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(case)
    durations, queries, statuses = [], [], set()
    for index in range(offset, offset + repeat):
        path = case.path(index)
        data = case.data(index) if case.data else None
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(path, data) if case.method == "POST" else client.get(path)
            durations.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
        queries.append(len(captured))
        if show_sql and index == offset + repeat - 1:
            for query in captured.captured_queries:
                print(f"    {query['time']}s  {query['sql'][:240]}")
    durations.sort()
    return {
        "mean_ms": sum(durations) / len(durations),
        "p95_ms": durations[min(len(durations) - 1, int(len(durations) * 0.95))],
        "queries": f"{min(queries)}–{max(queries)}" if min(queries) != max(queries) else str(queries[0]),
        "statuses": sorted(statuses),
    }


def _profile(case: Case, repeat: int, offset: int) -> str:
    client = _client(case)
    profiler = cProfile.Profile()
    profiler.enable()
    for index in range(offset, offset + repeat):
        data = case.data(index) if case.data else None
        client.post(case.path(index), data) if case.method == "POST" else client.get(case.path(index))
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "cumulative"))
    stats.print_stats(os.environ.get("PROFILE_FILTER", ""), 45)  # e.g. PROFILE_FILTER="xiaoan|template"
    return out.getvalue()


def widget_times(repeat: int) -> None:
    """Each home-page widget on its own, per user level: mean ms and queries (the page is their sum)."""
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from xiaoan.core.registry import widgets
    from xiaoan.core.scoping import guard
    from xiaoan.orgs.models import User
    from xiaoan.orgs.policy import active_membership

    from .benchmarks import PAGE_USERS

    for level, username in PAGE_USERS:
        request = RequestFactory().get("/")
        request.user = User.objects.get(username=username)
        request.membership = active_membership(request.user)
        for widget in widgets():
            with guard(True), CaptureQueriesContext(connection) as captured:
                widget.render(request)  # warm
                started = time.perf_counter()
                for _ in range(repeat):
                    widget.render(request)
                elapsed = (time.perf_counter() - started) * 1000 / repeat
            print(f"  widget {level:7} {widget.key:32} {elapsed:7.1f} ms  queries {len(captured) // (repeat + 1)}")


def run(args: argparse.Namespace) -> None:
    apply_production_environment()
    import django

    django.setup()
    from django.core.management import call_command

    from xiaoan.core.rules.services import reset_memo

    from .generate import generate

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    generate(scale="small", seed=args.seed, letter=True, log=lambda message: None)
    reset_memo()  # the generator wrote rule values behind the rules' in-process copy
    offset = 0
    for case in _cases():
        if args.only and case.name not in args.only:
            continue
        _measure(case, 5, offset + 9000, show_sql=False)  # warm up: templates, rule copies, connections
        result = _measure(case, args.repeat, offset, show_sql=case.name in args.show_sql)
        print(f"{case.name:18} {result['mean_ms']:8.1f} ms mean {result['p95_ms']:8.1f} ms p95  "
              f"queries {result['queries']:>6}  status {result['statuses']}", flush=True)  # fmt: skip
        if case.name in args.profile:
            print(_profile(case, args.repeat, offset + 5000))
        offset += args.repeat
    if args.widgets:
        widget_times(args.repeat)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--only", action="append", default=[], help="case names to run (default: all)")
    parser.add_argument("--profile", action="append", default=[], help="case names to cProfile")
    parser.add_argument("--widgets", action="store_true", help="time each home-page widget on its own")
    parser.add_argument("--show-sql", action="append", default=[], help="case names whose SQL to print")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        command = [sys.executable, str(PROJECT / "scripts" / "with_postgres.py"), "--dbname", "xiaoan_profile",
                   "--", sys.executable, "-m", "bench.profile", *argv]  # fmt: skip
        os.execv(sys.executable, command)  # noqa: S606 - replaces this process
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
