"""Benchmark (h), issue 7: receipt confirmations at three times their capacity, and what the server answered.

The arithmetic of the run (answer classes, windows, recovery) is bench/overload.py; this module publishes the
letters whose fresh tokens the run spends, sends the schedule and turns the samples into figures.
"""

from __future__ import annotations

import time

from . import overload as o
from .benchmarks import Settings, _receipt_links
from .load import LoadError, Req
from .openloop import OpenLoopResult, run_schedule, schedule
from .servers import Server
from .stats import Figure, Target


def _overload_links(count: int) -> tuple[list[int], list[tuple[int, str]]]:
    """``count`` fresh receipt links for the overload run, from city-wide letters published for it alone (the small
    city has one pending link per pupil; three times the capacity for a minute needs several letters' worth)."""
    from .generate import publish_city_letter

    letters: list[int] = []
    links: list[tuple[int, str]] = []
    while len(links) < count:
        letter_id, _seconds = publish_city_letter()
        letters.append(letter_id)
        fresh = _receipt_links(count - len(links), 0, letter=letter_id)
        if not fresh:
            raise LoadError("receipt overload: a published letter gave no pending receipt links")
        links += fresh
    return letters, links


def receipt_overload(app: Server, capacity: float, s: Settings) -> list[Figure]:
    """(h) issue 7: confirmations sent open loop at 3 × the closed-loop capacity C for ``s.overload_seconds``,
    between 0.3 × C phases before (the reference p95) and after (until the p95 has recovered, at most as long as
    the overload); every request a fresh token used once."""
    from xiaoan.families.models import Letter, Receipt, ReceiptState

    started = time.monotonic()
    high, low, timeout, pre, during = 3 * capacity, 0.3 * capacity, 10.0, 10.0, s.overload_seconds
    before, flood = schedule([(low, pre)]), schedule([(high, during), (low, during)])
    letters, links = _overload_links(len(before) + len(flood))
    items = len(Letter.objects.system("benchmark").get(pk=letters[0]).items or [])
    ticks = "".join(f"&item={index}" for index in range(items))
    requests = [Req("POST", f"/families/r/{token}/", f"t={token}{ticks}") for _, token in links]

    def accept(status: int, body: bytes) -> bool:
        return status == 200  # acknowledged: the guardian sees the receipt confirmed

    # The reference first, on its own: its p95 is the bound every client process then watches for.
    first = run_schedule(app.base_url, requests[: len(before)], before, timeout=timeout, accept=accept)
    reference = o.p95_ms(first.samples, 0.0, pre, timeout)
    if reference is None:
        raise LoadError("receipt overload: no answer at all before the overload")
    second = run_schedule(
        app.base_url, requests[len(before) :], flood, connections=int(min(5000, max(64, 1.5 * high))),
        timeout=timeout, accept=accept, stop=o.recovery_watch(2 * reference, during, timeout),
        processes=2,  # on a busy 2-core machine one client process falls behind its schedule
    )  # fmt: skip
    for sample in second.samples:  # one time line: the flood starts where the reference phase ended
        sample.due, sample.index = sample.due + pre, sample.index + len(before)
        sample.sent = None if sample.sent is None else sample.sent + pre
    result = OpenLoopResult.from_samples(first.samples + second.samples, high, first.seconds + second.seconds,
                                         first.connections_opened + second.connections_opened)  # fmt: skip
    confirmed = set(
        Receipt.objects.system("benchmark")
        .filter(letter_id__in=letters, state=ReceiptState.CONFIRMED)
        .values_list("id", flat=True)
    )
    refused = [links[sample.index][0] for sample in result.samples if sample.status == 503]
    shed_then_written = sum(1 for receipt_id in refused if receipt_id in confirmed)
    found = o.summarize(result.samples, pre, pre + during, timeout)
    figures = _overload_figures(found, result, capacity, during, timeout,
                                lost=(len(confirmed), result.accepted, shed_then_written))  # fmt: skip
    figures[0].details["whole benchmark s"] = round(time.monotonic() - started)  # letters published, run, checks
    return figures


def _overload_figures(found: o.Summary, result: OpenLoopResult, capacity: float, during: float, timeout: float,
                      lost: tuple[int, int, int]) -> list[Figure]:  # fmt: skip
    def series(windows: list[o.Window]) -> str:
        return " ".join("—" if w.p95_ms is None else f"{w.p95_ms:.0f}" for w in windows)

    high, counts = 3 * capacity, found.counts
    confirmed, acknowledged, shed_then_written = lost
    observed = len(found.after) * o.WIDTH
    recovery = found.recovery_s
    if recovery is None and found.bound_ms is not None:
        recovery = observed + o.WIDTH  # not recovered while observed: more than what was seen
    return [
        Figure(
            key="overload_answers", label=f"receipt confirmations at 3 × capacity, {during:.0f} s: answers other "
            "than 2xx, 429, 503 + Retry-After", value=counts["other"], unit="",
            targets=[Target("max", 0, "only 2xx, 429 or 503 with Retry-After, never a 500 (issue 7)")],
            details={**{name: counts[name] for name in o.ALLOWED}, **dict(found.unexpected),
                     "sent": len(result.samples)},
            note=f"{high:.0f}/s (3 × {capacity:.0f}) for {during:.0f} s, {0.3 * capacity:.0f}/s before and after",
        ),
        Figure(
            key="overload_no_answer", label="receipt overload: requests without any answer (refused, reset, "
            f"no answer within {timeout:.0f} s)", value=counts["no answer"], unit="",
            targets=[Target("max", 0, "every request answered (issue 7 allows only 2xx, 429, 503)")],
            details={**dict(found.failures), "client connections opened": result.connections_opened},
        ),
        Figure(
            key="overload_offered", label="receipt overload: rate the client actually offered", value=found.offered,
            unit="req/s", limit=high, limit_label="3 × closed-loop capacity (wrk, same run)",
            targets=[Target("min_ratio", 0.95, "≥ 95% of 3 × capacity, else the test is weaker than asked")],
            details={"send lag p95 ms": found.lag_p95_ms, "confirmed (200) per s during":
                     round(found.confirmed_during / during, 1), "capacity": round(capacity, 1)},
        ),
        Figure(
            key="overload_recovery", label="receipt overload: p95 back under 2 × the pre-overload p95 after",
            value=recovery, unit="s", targets=[Target("max", 60, "p95 recovers within 60 s (issue 7)")],
            details={"pre-overload p95 ms": found.reference_ms, "bound ms": found.bound_ms,
                     "p95 per 5 s before (ms)": series(found.before), "during": series(found.during),
                     "after": series(found.after),
                     "observed after": f"{observed:.0f} s"},
            note="" if found.recovery_s is not None else "not recovered while observed (shown as observed + 5 s)",
        ),
        Figure(
            key="overload_lost", label="receipt overload: lost receipts (rows confirmed − 200 answers)",
            value=confirmed - acknowledged, unit="",
            targets=[Target("max", 0, "zero acknowledged receipts lost (issue 7)"), Target("min", 0, "never negative")],
            details={"confirmed rows": confirmed, "acknowledged (200)": acknowledged,
                     "written although answered 503": shed_then_written},
        ),
    ]  # fmt: skip
