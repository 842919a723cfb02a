"""The arithmetic of the overload run (issue 7, "Load"): answer classes, p95 per window, recovery time.

The run has three phases on one open-loop schedule: a low rate before (the reference p95), three times the
measured capacity, then the low rate again until the p95 has recovered. Windows are fixed 5-second slices of the
schedule counted from the start of a phase, and a request belongs to the window in which it was *due*, so a request
that waited in a queue counts against the moment it was sent. A request without an answer counts as the client's
timeout, so a window of failures never looks fast.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .loopclient import Sample
from .stats import percentile

WIDTH = 5.0  # seconds per window
HOLD = 3  # windows in a row under the bound that count as recovered (and end the observation)
ALLOWED = ("2xx", "429", "503 + Retry-After")


def classify(status: int | None, retry_after: bool) -> str:
    """The issue's classes: 2xx, 429, 503 with Retry-After are allowed; anything else is "other";
    no HTTP answer at all (refused, reset, timeout) is "no answer", counted apart."""
    if status is None:
        return "no answer"
    if 200 <= status < 300:
        return "2xx"
    if status == 429:
        return "429"
    if status == 503 and retry_after:
        return "503 + Retry-After"
    return "other"


def classes(samples: Sequence[Sample]) -> Counter[str]:
    return Counter(classify(sample.status, sample.retry_after) for sample in samples)


def failures(samples: Sequence[Sample]) -> Counter[str]:
    """Requests without an answer, by what the client saw."""
    return Counter(sample.failure or "unknown" for sample in samples if sample.status is None)


def unexpected(samples: Sequence[Sample]) -> Counter[str]:
    """Answers outside the allowed classes, by status ("503 without Retry-After" kept apart from a bare 503)."""
    found: Counter[str] = Counter()
    for sample in samples:
        if classify(sample.status, sample.retry_after) == "other":
            found[f"{sample.status}" + (" without Retry-After" if sample.status == 503 else "")] += 1
    return found


@dataclass
class Window:
    start: float  # seconds from the phase's start
    requests: int
    p95_ms: float | None  # None: no request was due in it


def windows(samples: Sequence[Sample], begin: float, end: float, timeout: float, width: float = WIDTH) -> list[Window]:
    """p95 (ms) of the requests due in each ``width``-second slice of [begin, end); no answer counts as ``timeout``."""
    count = max(0, int((end - begin) / width + 0.999999))
    slices: list[list[float]] = [[] for _ in range(count)]
    for sample in samples:
        if begin <= sample.due < end:
            latency = sample.latency if sample.latency is not None else timeout
            slices[min(count - 1, int((sample.due - begin) / width))].append(latency)
    return [
        Window(index * width, len(values), round(1000 * percentile(values, 95), 1) if values else None)
        for index, values in enumerate(slices)
    ]


def recovery_seconds(after: Sequence[Window], bound_ms: float, hold: int = HOLD, width: float = WIDTH) -> float | None:
    """Seconds from the end of the overload to the end of the first window that starts ``hold`` windows in a row
    with a p95 under ``bound_ms`` (the same rule that ends the observation); None when no such streak was seen."""
    good = [window.p95_ms is not None and window.p95_ms < bound_ms for window in after]
    for index in range(len(good) - hold + 1):
        if all(good[index : index + hold]):
            return (index + 1) * width
    return None


def p95_ms(samples: Sequence[Sample], begin: float, end: float, timeout: float) -> float | None:
    values = [s.latency if s.latency is not None else timeout for s in samples if begin <= s.due < end]
    return round(1000 * percentile(values, 95), 1) if values else None


def offered_rate(samples: Sequence[Sample], begin: float, end: float) -> tuple[float, float]:
    """(requests per second actually written, p95 of the send lag in ms) for the requests due in [begin, end):
    an open-loop client on a busy machine may send later than its schedule, i.e. offer less than asked."""
    phase = [s for s in samples if begin <= s.due < end and s.sent is not None]
    if len(phase) < 2:
        return 0.0, 0.0
    first = min(s.sent for s in phase if s.sent is not None)
    last = max(s.sent for s in phase if s.sent is not None)
    lag = [s.sent - s.due for s in phase if s.sent is not None]
    span = max(last - first, end - begin)
    return len(phase) / span, round(1000 * percentile(lag, 95), 1)


def recovery_watch(
    bound_ms: float, overload_end: float, timeout: float, hold: int = HOLD, width: float = WIDTH
) -> Callable[[Sequence[Sample], float], bool]:
    """A stop rule for the open-loop client: True once the last ``hold`` complete windows after the overload all
    have a p95 under ``bound_ms`` — enough seen; the rest of the recovery phase need not run. The client's samples
    are in schedule order, so the windows are found by bisection, not by a scan."""

    def stop(samples: Sequence[Sample], now: float) -> bool:
        if now < overload_end + hold * width:
            return False
        end = overload_end + int((now - overload_end) / width) * width  # complete windows only
        recent = samples[bisect_left(samples, end - hold * width, key=_due) : bisect_left(samples, end, key=_due)]
        if not recent or any(not s.done for s in recent):
            return False
        return all(w.p95_ms is not None and w.p95_ms < bound_ms
                   for w in windows(recent, end - hold * width, end, timeout, width))  # fmt: skip

    return stop


def _due(sample: Sample) -> float:
    return sample.due


@dataclass
class Summary:
    """What the figures of one overload run report."""

    counts: Counter[str]
    unexpected: Counter[str]
    failures: Counter[str]
    offered: float  # requests per second actually written during the overload
    lag_p95_ms: float
    reference_ms: float | None  # p95 before the overload
    before: list[Window]
    during: list[Window]
    after: list[Window]
    recovery_s: float | None
    confirmed_during: int  # 200 answers to requests due during the overload

    @property
    def bound_ms(self) -> float | None:
        return None if self.reference_ms is None else 2 * self.reference_ms


def summarize(samples: Sequence[Sample], pre_end: float, overload_end: float, timeout: float) -> Summary:
    offered, lag = offered_rate(samples, pre_end, overload_end)
    reference = p95_ms(samples, 0.0, pre_end, timeout)
    last_due = max((sample.due for sample in samples), default=overload_end)
    after = [w for w in windows(samples, overload_end, last_due + 1e-9, timeout) if w.requests]
    return Summary(
        counts=classes(samples),
        unexpected=unexpected(samples),
        failures=failures(samples),
        offered=offered,
        lag_p95_ms=lag,
        reference_ms=reference,
        before=windows(samples, 0.0, pre_end, timeout),
        during=windows(samples, pre_end, overload_end, timeout),
        after=after,
        recovery_s=None if reference is None else recovery_seconds(after, 2 * reference),
        confirmed_during=sum(1 for s in samples if pre_end <= s.due < overload_end and s.accepted),
    )
