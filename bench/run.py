"""`make bench`: every benchmark in one process tree on this machine, figures paired with same-run limits.

    uv run python -m bench.run [--scale small|city] [--seed N] [--seconds S] [--skip-demo] [--only KEY,KEY]

Without DATABASE_URL it starts a throwaway PostgreSQL first (scripts/with_postgres.py) and runs inside it.
Writes bench/results/<timestamp>.json and regenerates docs/performance.md. Exits non-zero, with a clear
message, when a server does not start or a load run fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .environment import apply_production_environment

PROJECT = Path(__file__).resolve().parent.parent
RESULTS = PROJECT / "bench" / "results"
DOC = PROJECT / "docs" / "performance.md"

NOTES = [
    "PostgreSQL is the throwaway cluster of scripts/with_postgres.py (fsync, synchronous_commit and "
    "full_page_writes off): the same for the app and for its limits, so ratios hold; absolute write figures "
    "are higher than on a durable production server.",
    "Servers: gunicorn gthread (the worker class of `xiaoan serve`, with load shedding and 2,000 connections per "
    "worker), 3 workers × 4 threads, production settings (DEBUG off, SECRET_KEY and data keys "
    "set, SECURE_SSL_REDIRECT=false on loopback), the database cache (no Redis) with the public endpoints' abuse "
    "counters in each worker's memory (xiaoan.core.ratelimit), on 127.0.0.1 with the load generator and "
    "PostgreSQL on the same machine.",
    "Throughput: wrk (closed loop, 2 threads, 32 connections, fixed duration) replaying distinct requests "
    "(fresh receipt tokens, fresh form nonces). Latency targets: an open-loop client (bench/openloop.py) that "
    "sends at a fixed rate and times each request from its scheduled send time, so queueing counts.",
    "Pages: the SQL limit is the page's own SELECT statements, captured from one rendering and replayed with "
    "psycopg on one connection (the time the database needs for exactly what the page asks).",
    "Per-address rate limits of the public endpoints are lifted by rule values for the run (all traffic "
    "comes from 127.0.0.1); the limiter's own counters (cache) still run on every request.",
    "Overload (issue 7): C is the closed-loop confirmation figure of the same run. The open-loop client sends fresh "
    "confirmations (each token once, from city-wide letters published for this run) at 0.3 × C for 10 s (the "
    "reference p95, measured first), then, from two client processes so that it keeps its schedule on the busy "
    "machine, 3 × C for 60 s and 0.3 × C until three 5-second windows in a row have a p95 under twice the reference "
    "(at most 60 s); the recovery time is the end of the first of them. A request counts in the window it was due "
    "in; no answer counts as the 10 s timeout. The client may open 1.5 × 3 × C connections (at most 5,000), so the "
    "queue forms in the server, as with many separate phones, not in the client. Lost receipts = receipt rows "
    "confirmed − 200 answers.",
]

# What profiling (`python -m bench.profile`: per-request queries and time, cProfile, each widget on its own) found,
# and what was changed; shown in docs/performance.md next to the figures that show the effect.
FINDINGS = [
    "Abuse counters of the public endpoints were in the default cache, which without Redis is the database: "
    "10 of a receipt page's 12 SQL statements and 22 of a 随手拍 report's 28 (a cull count, a transaction, a read "
    "and a write for each add and each incr). They now live in a `counters` cache: Redis when REDIS_URL is set, "
    "else each worker's memory. Trade-off: without Redis each gunicorn worker counts alone, so an address may "
    "make up to workers × the limit before every worker refuses it, and a restart forgets the counts; the limits "
    "are abuse brakes, not quotas. Receipt page: 12 → 1 statement; confirmation: 13 → 2; report: 28 → 6.",
    "Public endpoints ran the whole middleware stack (sessions, authentication, idle timeout, second factor, "
    "password age, membership, CSRF, messages, auditlog context). Views marked `@public_endpoint` now take a "
    "thin path (xiaoan.core.middleware.PublicEndpointMiddleware): security headers, host check, language, scope "
    "guard, domain-error answers, X-Frame-Options — nothing that reads a session, so a stray session cookie "
    "costs no query either. The 随手拍 pages render without the request context, like the receipt page.",
    "Audit of the public writes: a receipt confirmation stays one conditional UPDATE, its audit record is the "
    "receipt row itself (state, channel, confirmed_at, confirming guardian, later confirmations); no LogEntry. "
    "A 随手拍 report keeps its django-auditlog LogEntry (one INSERT in the same transaction), now without the "
    "reporter's address: the thin path sets no auditlog request context, which suits an anonymous channel.",
    "Overload: the gthread workers' queue for a thread has no bound, so at 3 × capacity every request waited "
    "longer the longer the flood lasted. The workers (xiaoan.core.overload_worker) now time each request's wait for "
    "a thread and answer a public request that waited more than the rule core.public_shed_wait_ms (500 ms) with a "
    "prepared 503 + Retry-After, before Django. A first version refused in the thin-path middleware: there the "
    "refusal cost as much CPU again as gunicorn's own handling (1,050 vs 4,200 refusals/s for one worker), and under "
    "a flood refusals are most of the work, so a loaded machine fell into refusing everything. "
    "The first open-loop client (a task and a timer per request) offered only 1,565 of the 3,540 requests/s asked "
    "and inflated the latencies it measured; it now runs on asyncio protocols and records when each request was "
    "really written (part of the drop in the issue-4 open-loop p99 is this lighter client).",
    "Home page: the 83 queries of the first run were rule reads through the database cache; since rules trust "
    "their in-process copy for 2 s the page runs 17–22 queries, one aggregate per widget, and no widget stands "
    "out (each 1–10 ms on the loaded machine; `python -m bench.profile --widgets`).",
    "Hazard list for city and county users: most of the time was template rendering of the school filter "
    "(hundreds of <option>s, each comparing the bound value in the template). The options are now built in "
    "Python (`select_options`).",
    "Receipt page and confirmation, 随手拍 report: most of a request's time was outside its SQL. The ORM compiled the "
    "five-join link lookup on every request and PostgreSQL planned it every time (EXPLAIN ANALYZE: planning 0.5 ms,"
    " execution 0.03 ms); a health-check SELECT 1 preceded the first statement of every request; the page template "
    "was rendered for each guardian. Changes: xiaoan.core.prepared (SQL compiled once per process, executed with "
    "prepare=True on a server-binding cursor, so each connection plans it once; one reconnect instead of the health"
    " check), xiaoan.core.pagestamp (the page rendered once per letter content and state, each request's values "
    "escaped into it), the confirmation as one statement (lookup CTE, conditional receipt update, class counter), "
    "the anonymous report as one statement (hazard, number and its auditlog entry), rate-limit counters in a plain "
    "dict instead of Django's pickling local-memory cache, the public routes first in the URL lists. Per request, "
    "client and database CPU measured in-process: lookup 0.6 + 0.9 ms -> 0.05 + 0.04 ms; receipt page 1.9 ms -> 0.4"
    " ms wall; report 2.4 + 0.8 ms -> 1.0 + 0.3 ms.",
    "City scale (issue 3): the city user's hazard list sorted a million hazards on every request (3.0 s): an index "
    "on (reported_at DESC, id DESC) makes it 5 ms. The region aggregates — home-page widgets over a million hazards"
    " and 2.4 million pupils (0.3-0.6 s each) and the hazard list's per-county table (0.5 s) — are the same for "
    "everyone acting in the same unit and role; they are cached for 60 s per unit, role and filters "
    "(xiaoan.core.regioncache, decision 52). The page figures below are the warm figures; the cold figure of the "
    "city home page is shown next to them.",
]


def _log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _under_postgres(argv: list[str]) -> int:
    """Re-run this command inside a throwaway PostgreSQL cluster."""
    command = [sys.executable, str(PROJECT / "scripts" / "with_postgres.py"), "--dbname", "xiaoan_bench", "--",
               sys.executable, "-m", "bench.run", *argv]  # fmt: skip
    os.execv(sys.executable, command)  # noqa: S606 - replaces this process
    return 0  # pragma: no cover


def conninfo() -> str:
    url = os.environ["DATABASE_URL"]
    return url.replace("postgres://", "postgresql://", 1)


def run(args: argparse.Namespace) -> dict[str, Any]:
    env = apply_production_environment()
    import django

    django.setup()
    from django.core.management import call_command

    from . import benchmarks as b
    from .generate import generate
    from .limits import server_version
    from .machine import describe
    from .overload_run import receipt_overload
    from .stats import Skipped

    settings = b.Settings(seconds=args.seconds, page_seconds=args.page_seconds, page_rate=args.page_rate,
                          overload_seconds=args.overload_seconds)  # fmt: skip
    result: dict[str, Any] = {
        "started_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "scale": args.scale,
        "seed": args.seed,
        "machine": describe(server_version(conninfo())),
        "figures": [],
        "skipped": [],
        "notes": NOTES,
        "findings": FINDINGS,
    }
    figures: list[Any] = []
    skipped: list[Skipped] = []

    def wanted(key: str, label: str) -> bool:
        if args.only and key not in args.only:
            skipped.append(Skipped(key, label, "not measured: not in --only"))
            return False
        return True

    def optional(key: str, label: str, module: str, needs: Callable[[], object], bench: Callable[[], Any]) -> None:
        if not wanted(key, label):
            return
        reason = b.module_ready(module, needs)
        if reason:
            skipped.append(Skipped(key, label, reason))
            return
        _log(f"{label} …")
        produced = bench()
        figures.extend(produced if isinstance(produced, list) else [produced])

    _log("migrating …")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    Path(env["XIAOAN_VAR_DIR"], "static").mkdir(parents=True, exist_ok=True)
    _log(f"generating the synthetic city ({args.scale}) …")
    result["generation"] = generate(scale=args.scale, seed=args.seed, log=_log)

    def families_imports() -> None:
        from xiaoan.families import publishing, tokens  # noqa: F401
        from xiaoan.students import models  # noqa: F401

    optional("letter_publication", "letter publication", "families", families_imports,
             lambda: b.letter_publication(conninfo()))  # fmt: skip

    def roster_imports() -> None:
        from xiaoan.students import bulk  # noqa: F401

    from .roster_import import ROWS, roster_import

    optional("roster_import", "roster import vs COPY", "students", roster_imports,
             lambda: roster_import(env, ROWS[args.scale]))  # fmt: skip

    from django.db import connections

    connections.close_all()
    app = b.gunicorn("xiaoan", "xiaoan.config.wsgi:application", env)
    baseline = b.gunicorn("baseline", "bench.baseline.wsgi:application",
                          {**env, "DJANGO_SETTINGS_MODULE": "bench.baseline.settings"})  # fmt: skip
    with app, baseline:
        _log("starting the servers …")
        app.start("/healthz")
        baseline.start("/")
        _log("reference: bare Django UPDATE view and pgbench …")
        reference, bare, tps = b.reference(baseline, env, conninfo(), settings)
        figures.insert(0, reference)

        def hazard_imports() -> None:
            from xiaoan.hazards.views.public import new_nonce  # noqa: F401

        optional("hazard_public_report", "anonymous QR hazard reports", "hazards", hazard_imports,
                 lambda: b.hazard_reports(app, args.seed, bare, settings))  # fmt: skip
        optional("receipts", "receipt pages and confirmations", "families", families_imports,
                 lambda: b.receipts(app, bare, tps, settings))  # fmt: skip
        paths = [("home page (widgets)", "/", 100.0), ("units list", "/orgs/units/", 200.0)]
        if b.module_ready("hazards", hazard_imports) is None:
            paths.append(("hazard list", "/hazards/", 200.0))
        if wanted("pages", "pages for city / county / school users"):
            _log("pages for city / county / school users …")
            figures.extend(b.pages(app, conninfo(), settings, paths))
        capacity = next((f.value for f in figures if f.key == "receipt_confirmations" and f.value), None)
        overload_label = "receipt confirmations at 3 × their capacity (issue 7)"
        if capacity is None:
            if wanted("receipt_overload", overload_label):
                skipped.append(Skipped("receipt_overload", overload_label, "not measured: no receipt capacity"))
        else:
            optional("receipt_overload", overload_label, "families", families_imports,
                     lambda: receipt_overload(app, capacity, settings))  # fmt: skip

    def compliance_imports() -> None:
        from xiaoan.compliance.services import refresh_all  # noqa: F401

    optional("obligations_refresh", "obligations refresh", "compliance", compliance_imports, b.obligations_refresh)
    if args.skip_demo:
        skipped.append(Skipped("demo_start", "embedded start", "not measured: --skip-demo"))
    elif wanted("demo_start", "embedded start"):
        _log("embedded start (`xiaoan demo`), cold and warm …")
        figures.extend(b.embedded_start())
    result["figures"] = [figure.as_dict() for figure in figures]
    result["skipped"] = [vars(item) for item in skipped]
    result["finished_at"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    return result


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=("small", "city"), default=os.environ.get("SCALE", "small"))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--seconds", type=float, default=8, help="duration of each load run (default 8)")
    parser.add_argument("--page-seconds", type=float, default=5, help="duration of each page run (default 5)")
    parser.add_argument("--page-rate", type=float, default=10, help="page requests per second (default 10)")
    parser.add_argument(
        "--overload-seconds",
        type=float,
        default=60,
        help="the overload phase of the receipt overload run (default 60, as issue 7 asks)",
    )
    parser.add_argument("--skip-demo", action="store_true", help="do not measure the embedded start")
    parser.add_argument(
        "--only",
        type=lambda text: {key.strip() for key in text.split(",") if key.strip()},
        default=set(),
        help="run only these benchmarks, of: letter_publication, roster_import, "
        "hazard_public_report, receipts, pages, receipt_overload, obligations_refresh, demo_start "
        "(the overload run needs receipts, which need letter_publication); the reference always runs",
    )
    parser.add_argument("--doc", type=Path, default=DOC, help="markdown file to regenerate")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return _under_postgres(argv)
    started = time.monotonic()
    from .load import LoadError
    from .report import write_markdown, write_result
    from .servers import ServerStartError

    try:
        result = run(args)
    except (ServerStartError, LoadError, RuntimeError) as exc:
        print(f"bench: FAILED: {exc}", file=sys.stderr)
        return 1
    result["duration_s"] = round(time.monotonic() - started, 1)
    path = write_result(result, RESULTS)
    write_markdown(result, args.doc, path.name)
    _log(f"done in {result['duration_s']} s: {path.relative_to(PROJECT)} and {args.doc.name}")
    failed = [figure["label"] for figure in result["figures"] if figure["holds"] is False]
    if failed:
        _log("targets missed (see docs/performance.md): " + "; ".join(failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
