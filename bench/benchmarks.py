"""The benchmarks: each returns Figures (measured value, its limit from the same run, the owning issue's target)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import limits
from .load import LoadError, Req, run_wrk
from .openloop import run_open_loop
from .servers import Server, free_port
from .stats import Figure, Target, latency_summary

PROJECT = Path(__file__).resolve().parent.parent
WORKERS, THREADS = 3, 4  # DESIGN.md §6: gunicorn gthread 3 workers × 4 threads on the 2-core machine


@dataclass
class Settings:
    seconds: float  # each load run
    page_seconds: float
    page_rate: float
    overload_seconds: float = 60.0  # issue 7: 3 × capacity for 60 s


def gunicorn(name: str, app: str, env: dict[str, str]) -> Server:
    """The server `xiaoan serve` runs: gthread workers that time each request's wait for a thread (load shedding)."""
    from xiaoan.core.overload import WORKER_CLASS, WORKER_CONNECTIONS

    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", app, "--worker-class", WORKER_CLASS, "--workers", str(WORKERS),
        "--worker-connections", str(WORKER_CONNECTIONS),
        "--threads", str(THREADS), "--bind", f"127.0.0.1:{port}", "--keep-alive", "5",
    ]  # fmt: skip
    return Server(name, command, port=port, env=env, cwd=PROJECT)


def reference(baseline: Server, env: dict[str, str], conninfo: str, s: Settings) -> tuple[Figure, float, float]:
    """(a) the bare Django view and pgbench with the same single-row UPDATE."""
    limits.create_counter_table(conninfo)
    wrk = run_wrk(baseline.base_url, [Req("POST", "/update/"), Req("POST", "/update/")], seconds=s.seconds)
    tps = limits.run_pgbench(seconds=s.seconds, clients=WORKERS * THREADS, threads=2, env=env)
    figure = Figure(
        key="baseline_update",
        label="bare Django view, one single-row UPDATE (req/s)",
        value=wrk.requests_per_s,
        unit="req/s",
        limit=tps,
        limit_label="pgbench, same statement, 12 clients",
        details={"errors": wrk.errors, **wrk.latency},
        note="the reference limit of the public endpoints",
    )
    return figure, wrk.requests_per_s, tps


def hazard_reports(app: Server, seed: int, bare: float, s: Settings) -> Figure:
    """(d) anonymous QR reports (no photo) per second vs the bare view."""
    from urllib.parse import urlencode

    from xiaoan.hazards.models import ReportPoint
    from xiaoan.hazards.views.public import new_nonce

    tokens = list(ReportPoint.objects.filter(is_active=True).order_by("id").values_list("token", flat=True)[:50])
    count = int(max(2000, 1500 * s.seconds))
    requests = []
    for index in range(count):
        token = tokens[index % len(tokens)]
        body = urlencode({"place": "操场东侧", "description": "围墙开裂，有倒塌危险。", "nonce": new_nonce(token)})
        requests.append(Req("POST", f"/hazards/r/{token}/", body + "&website="))
    wrk = run_wrk(app.base_url, requests, seconds=s.seconds)
    return Figure(
        key="hazard_public_report",
        label="anonymous QR hazard reports (no photo)",
        value=wrk.requests_per_s,
        unit="req/s",
        limit=bare,
        limit_label="bare Django UPDATE view",
        targets=[Target("min", 600, "≥ 600 reports/s on 2 cores (issue 3)")],
        details={"errors": wrk.errors, **wrk.latency},
    )


def _receipt_links(count: int, offset: int, letter: int | None = None) -> list[tuple[int, str]]:
    from xiaoan.families.models import ReceiptLink, ReceiptState
    from xiaoan.families.tokens import make_token

    links = ReceiptLink.objects.system("benchmark tokens").filter(is_primary=True, receipt__state=ReceiptState.PENDING)
    if letter is not None:
        links = links.filter(letter_id=letter)
    rows = links.order_by("id").values_list("receipt_id", "guardian_id")[offset : offset + count]
    return [(receipt_id, make_token(receipt_id, guardian_id)) for receipt_id, guardian_id in rows]


# more confirmations per second than two cores give: wrk replays its list in a loop, and a second pass would
# measure repeated confirmations (a different answer) instead of first ones
FRESH_CONFIRMATIONS_PER_S = 6000


def _enough_fresh_links(links: list[tuple[int, str]], needed: int) -> list[tuple[int, str]]:
    """``links``, topped up to ``needed`` with the links of city-wide letters published for the purpose (the small
    city has 20,000 pupils; the city has millions of links and needs none)."""
    from .generate import publish_city_letter

    links = list(links)
    while len(links) < needed:
        letter_id, _seconds = publish_city_letter()
        fresh = _receipt_links(needed - len(links), 0, letter=letter_id)
        if not fresh:
            raise LoadError("receipts: a published letter gave no pending receipt links")
        links += fresh
    return links


def receipts(app: Server, bare: float, tps: float, s: Settings) -> list[Figure]:
    """(e) receipt page views/s, confirmations/s (closed loop), then open loop at the target rate: p50/p95/p99,
    errors and lost receipts (rows confirmed minus confirmations acknowledged)."""
    from xiaoan.families.models import Letter, Receipt, ReceiptState

    items = len(Letter.objects.system("benchmark").order_by("-id").values_list("items", flat=True)[0] or [])
    ticks = "".join(f"&item={index}" for index in range(items))
    rate = 1000.0
    links = _receipt_links(10**7, 0)  # every pending first-guardian link, read once before any is confirmed
    open_links, confirm_links = links[: int(rate * s.seconds)], links[int(rate * s.seconds) :]
    if len(open_links) < int(rate * s.seconds) or len(confirm_links) < 100:
        raise LoadError(f"receipts: only {len(links)} pending links; the city is too small for these runs")
    confirm_links = _enough_fresh_links(confirm_links, int(FRESH_CONFIRMATIONS_PER_S * s.seconds))
    views = run_wrk(app.base_url, [Req("GET", f"/families/r/{token}/") for _, token in links[:5000]], seconds=s.seconds)
    confirms = run_wrk(
        app.base_url,
        [Req("POST", f"/families/r/{token}/", f"t={token}{ticks}") for _, token in confirm_links],
        seconds=s.seconds,
    )
    result = run_open_loop(
        app.base_url,
        [Req("POST", f"/families/r/{token}/", f"t={token}{ticks}") for _, token in open_links],
        rate=rate,
        seconds=s.seconds,
    )
    used = [receipt_id for receipt_id, _ in open_links[: result.scheduled]]
    confirmed = Receipt.objects.system("benchmark").filter(pk__in=used, state=ReceiptState.CONFIRMED).count()
    lost = confirmed - result.accepted
    summary = result.summary()
    common = {"limit": bare, "limit_label": "bare Django UPDATE view"}
    return [
        Figure(
            key="receipt_page_views", label="receipt page views (closed loop, wrk)", value=views.requests_per_s,
            unit="req/s", **common, targets=[Target("min", 1000, "≥ 1,000/s (issue 4)")],
            details={"errors": views.errors, **views.latency},
        ),
        Figure(
            key="receipt_confirmations", label="receipt confirmations (closed loop, wrk)",
            value=confirms.requests_per_s, unit="req/s", **common,
            targets=[Target("min", 1000, "≥ 1,000/s (issue 4)"),
                     Target("min_ratio", 0.5, "≥ 0.5 × bare Django view (issue 4)")],
            details={"errors": confirms.errors, "vs pgbench": f"{confirms.requests_per_s / tps:.2f}×",
                     **confirms.latency},
        ),
        Figure(
            key="receipt_confirmations_p99", label=f"receipt confirmations, open loop at {rate:.0f}/s: p99",
            value=summary.get("p99_ms"), unit="ms",
            targets=[Target("max", 200, "p99 < 200 ms at 1,000/s (issue 4)")],
            details={**summary, "sent": result.scheduled, "answered": result.answered,
                     "achieved": f"{result.throughput:.0f}/s", "errors": result.errors()},
        ),
        Figure(
            key="receipt_errors", label="receipt confirmations, open loop: errors", value=result.errors(), unit="",
            targets=[Target("max", 0, "zero errors (issue 4)")], details=dict(result.statuses),
        ),
        Figure(
            key="receipts_lost", label="lost receipts (rows confirmed − responses acknowledged)", value=lost, unit="",
            targets=[Target("max", 0, "0 (issue 4)"), Target("min", 0, "never negative")],
            details={"confirmed rows": confirmed, "acknowledged": result.accepted},
        ),
    ]  # fmt: skip


def letter_publication(conninfo: str) -> Figure:
    """(f) the module's publication for the whole city vs the equivalent INSERT … SELECT statements."""
    from django.db import connection, transaction

    from xiaoan.families import tokens
    from xiaoan.families.models import Letter, LetterState, Receipt, ReceiptLink
    from xiaoan.orgs.models import Unit
    from xiaoan.orgs.roles import UnitKind
    from xiaoan.students.models import Guardianship, Pupil, SchoolClass

    from .copying import filler
    from .generate import publish_city_letter

    letter_id, app_seconds = publish_city_letter()
    root = Unit.objects.system("benchmark").get(kind=UnitKind.CITY_BUREAU)
    q = connection.ops.quote_name
    with transaction.atomic():
        scratch = Letter.objects.create(unit=root, title="bench", body="bench", deadline=root.created_at.date(),
                                        state=LetterState.DRAFT)  # fmt: skip
        r_extra, r_values = filler(Receipt, ["letter_id", "pupil_id", "unit_id", "school_class_id", "state"])
        l_given = ["receipt_id", "letter_id", "guardian_id", "is_primary", "token_hash", "expires_at", "sms_state"]
        l_extra, l_values = filler(ReceiptLink, l_given)
        receipts_sql = (
            f"INSERT INTO {q(Receipt._meta.db_table)} (letter_id, pupil_id, unit_id, school_class_id, state"  # noqa: S608
            + "".join(f", {q(c)}" for c in r_extra) + ") SELECT %s, p.id, p.unit_id, p.school_class_id, 'pending'"
            + ", %s" * len(r_extra) + f" FROM {q(Pupil._meta.db_table)} p "
            f"JOIN {q(SchoolClass._meta.db_table)} c ON c.id = p.school_class_id "
            f"JOIN {q(Unit._meta.db_table)} u ON u.id = p.unit_id "
            "WHERE p.status = 'enrolled' AND c.is_active AND u.is_active AND u.path LIKE %s"
        )  # fmt: skip
        links_sql = (
            f"INSERT INTO {q(ReceiptLink._meta.db_table)} ({', '.join(l_given)}"  # noqa: S608
            + "".join(f", {q(c)}" for c in l_extra) + ") SELECT r.id, r.letter_id, g.guardian_id, g.is_primary, "
            + tokens.SQL_LINK_HASH.format(receipt="r.id", guardian="g.guardian_id") + ", now(), 'queued'"
            + ", %(x" + ")s, %(x".join(str(i) for i in range(len(l_extra))) + ")s" * bool(l_extra)
            + f" FROM {q(Receipt._meta.db_table)} r JOIN {q(Guardianship._meta.db_table)} g ON g.pupil_id = r.pupil_id "
            "WHERE r.letter_id = %(letter)s"
        )  # fmt: skip
        ipad, opad = tokens.pads()
        params: dict[str, Any] = {"ipad": ipad, "opad": opad, "letter": scratch.pk}
        params.update({f"x{i}": value for i, value in enumerate(l_values)})
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(receipts_sql, [scratch.pk, *r_values, root.path + "%"])
            receipts_written = cursor.rowcount
            cursor.execute(links_sql, params)
            links_written = cursor.rowcount
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign-key checks a commit would make
        sql_seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    letter = Letter.objects.system("benchmark").get(pk=letter_id)
    return Figure(
        key="letter_publication", label="letter publication for the whole city (wall time)", value=app_seconds,
        unit="s", limit=sql_seconds,
        limit_label="the same rows by INSERT … SELECT (receipts, links), foreign keys checked",
        targets=[Target("max_ratio", 2.0, "≤ 2 × the INSERT … SELECT (issue 4)")],
        details={"receipts": letter.receipts_count, "links": letter.links_count,
                 "SQL rows": f"{receipts_written} + {links_written}"},
    )  # fmt: skip


PAGE_USERS = (("city", "city_officer"), ("county", "wancheng_officer"), ("school", "safety_officer"))


def pages(app: Server, conninfo: str, s: Settings, paths: list[tuple[str, str, float]]) -> list[Figure]:
    """(b) pages for a city / county / school user: p50/p95 open loop vs the raw SQL the page runs (its SELECTs,
    captured from one rendering and replayed with psycopg)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from xiaoan.orgs.models import User

    figures = []
    for level, username in PAGE_USERS:
        user = User.objects.get(username=username)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        cookie = f"sessionid={client.cookies['sessionid'].value}"
        for label, path, target_ms in paths:
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                status = client.get(path).status_code  # the first view: region aggregates not cached yet
                cold_ms = (time.perf_counter() - began) * 1000
            if status != 200:
                figures.append(Figure(key=f"page {path} {level}", label=f"{label} — {level} user", value=None,
                                      unit="ms", note=f"the page answered {status} in the capture run"))  # fmt: skip
                continue
            selects = [
                q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
            ]
            sql = latency_summary(limits.time_statements(conninfo, selects, repeat=20))
            result = run_open_loop(app.base_url, [Req("GET", path, headers={"Cookie": cookie})],
                                   rate=s.page_rate, seconds=s.page_seconds, connections=16)  # fmt: skip
            summary = result.summary()
            figures.append(
                Figure(
                    key=f"page {path} {level}", label=f"{label} — {level} user: p95", value=summary.get("p95_ms"),
                    unit="ms", limit=sql.get("p95_ms"), limit_label=f"its {len(selects)} SELECTs by psycopg, p95",
                    targets=[Target("max", target_ms, f"< {target_ms:.0f} ms (issue 3)")],
                    details={"p50": summary.get("p50_ms"), "cold (first view, in-process)": f"{cold_ms:.0f} ms",
                             "SQL p50": sql.get("p50_ms"), "queries": len(captured),
                             "requests": result.answered, "errors": result.errors()},
                )
            )  # fmt: skip
    return figures


def embedded_start(timeout: float = 300) -> list[Figure]:
    """(c) `xiaoan demo` (SQLite, fresh var/) until the login page answers: cold, then warm."""
    var = tempfile.mkdtemp(prefix="xiaoan-bench-demo-")
    keep = ("PATH", "HOME", "LANG", "VIRTUAL_ENV", "UV_CACHE_DIR")
    env = {key: os.environ[key] for key in keep if key in os.environ}
    env.update({"XIAOAN_VAR_DIR": var, "LOG_LEVEL": "WARNING", "DJANGO_ALLOW_ASYNC_UNSAFE": "true"})
    figures = []
    for kind in ("cold", "warm"):
        port = free_port()
        server = Server(f"demo-{kind}", [sys.executable, "-m", "xiaoan.cli", "demo", "--port", str(port)],
                        port=port, env={**env, "PORT": str(port)}, cwd=PROJECT)  # fmt: skip
        with server:
            seconds = server.start("/accounts/login/", timeout=timeout)
        note = "fresh var/: migrate, static files, demo seed" if kind == "cold" else "same var/"
        label = f"`xiaoan demo` until the login page answers ({kind})"
        figures.append(Figure(key=f"demo_start_{kind}", label=label, value=seconds, unit="s", note=note))
    return figures


def obligations_refresh() -> Figure:
    """(g) compliance.refresh_all for all schools: wall time and query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xiaoan.compliance.services import refresh_all

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        written = refresh_all()
        seconds = time.perf_counter() - started
    return Figure(key="obligations_refresh", label="obligations refresh for all schools (wall time)", value=seconds,
                  unit="s", details={"queries": len(captured), "status rows": written})  # fmt: skip


def module_ready(label: str, imports: Callable[[], object]) -> str | None:
    """None when the module is installed and what the benchmark needs imports; else the reason."""
    from django.apps import apps

    if not apps.is_installed(f"xiaoan.{label}"):
        return "not measured: module not present"
    try:
        imports()
    except (ImportError, AttributeError) as exc:
        return f"not measured: module not ready ({exc})"
    return None
