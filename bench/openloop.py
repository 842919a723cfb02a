"""The open-loop client: latency measured from each request's scheduled send time, so queueing counts.

The open-loop client sends request *i* at its scheduled time (``start + i / rate``, or any schedule of
phases) whatever happened to the earlier ones and measures each latency from that scheduled time, so a slow
server is not flattered by a client that waits for it (the coordinated-omission correction wrk2 makes; wrk2
is not packaged in Debian). It is built on asyncio protocols with no task or timer per request, so that a few
thousand requests per second cost it a small part of one core: on a 2-core machine a heavier client measures
its own lateness (it records when each request was really written, so that shows).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import multiprocessing
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .load import LoadError, Req
from .loopclient import Sample, Stop, send
from .stats import latency_summary


@dataclass
class OpenLoopResult:
    rate: float
    seconds: float
    scheduled: int
    latencies: list[float]
    statuses: Counter[int]
    failures: int  # no complete HTTP answer (refused, reset, timeout, not answered before the end)
    accepted: int  # answers the caller's `accept` judged a success
    samples: list[Sample] = field(default_factory=list)
    connections_opened: int = 0

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    @property
    def throughput(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, float]:
        return latency_summary(self.latencies)

    def errors(self, ok: Callable[[int], bool] = lambda status: 200 <= status < 400) -> int:
        return self.failures + sum(count for status, count in self.statuses.items() if not ok(status))

    @classmethod
    def from_samples(cls, samples: list[Sample], rate: float, seconds: float, opened: int = 0) -> OpenLoopResult:
        statuses: Counter[int] = Counter(sample.status for sample in samples if sample.status is not None)
        return cls(
            rate=rate,
            seconds=seconds,
            scheduled=len(samples),
            latencies=[sample.latency for sample in samples if sample.latency is not None],
            statuses=statuses,
            failures=sum(1 for sample in samples if sample.status is None),
            accepted=sum(1 for sample in samples if sample.accepted),
            samples=samples,
            connections_opened=opened,
        )


def schedule(phases: Sequence[tuple[float, float]]) -> list[float]:
    """Send times (seconds from the start) for consecutive phases of (rate per second, seconds)."""
    offsets: list[float] = []
    begin = 0.0
    for rate, seconds in phases:
        offsets.extend(begin + index / rate for index in range(int(rate * seconds)))
        begin += seconds
    return offsets


def _target(base_url: str) -> tuple[str, int]:
    match = re.fullmatch(r"http://([\d.]+):(\d+)", base_url.rstrip("/"))
    if not match:
        raise LoadError(f"open-loop client: loopback http URL expected, got {base_url!r}")
    return match.group(1), int(match.group(2))


def run_schedule(
    base_url: str,
    requests: Sequence[Req],
    offsets: Sequence[float],
    *,
    connections: int = 64,
    timeout: float = 10,
    accept: Callable[[int, bytes], bool] = lambda status, body: 200 <= status < 300,
    stop: Stop | None = None,
    processes: int = 1,
) -> OpenLoopResult:
    """Send request i (``requests[i % len]``) at ``offsets[i]`` seconds from the start, on at most ``connections``
    connections; ``stop(samples, now)``, asked twice a second, may end the sending early. With ``processes`` > 1
    the schedule is dealt out to that many client processes (request i to process i % processes), so that on a
    busy machine the client gets a larger share of the CPU and keeps to its schedule."""
    host, port = _target(base_url)
    payloads = [req.raw(f"{host}:{port}") for req in requests]
    if not payloads or not offsets:
        raise LoadError("open-loop client: no requests to send")
    if processes > 1:
        samples, seconds, opened = _send_in_processes(host, port, payloads, offsets, connections, timeout, accept,
                                                      stop, processes)  # fmt: skip
    else:
        samples, seconds, opened = _run(send(host, port, payloads, offsets, connections, timeout, accept, stop))
    rate = len(offsets) / offsets[-1] if offsets[-1] else float(len(offsets))
    return OpenLoopResult.from_samples(samples, rate, seconds, opened)


_JOB: dict[str, Any] = {}  # what forked client processes read: shared by fork, not copied through a pipe


CLIENT_NICE = -5  # a load generator starved by the server it loads measures its own lateness


def _send_part(part: int) -> tuple[list[Sample], float, int]:
    try:
        os.nice(CLIENT_NICE)  # only with the privilege to (root); otherwise the client runs at normal priority
    except OSError:
        pass
    job = _JOB
    count, offsets, payloads, stop, flags = job["processes"], job["offsets"], job["payloads"], job["stop"], job["flags"]

    def agreed(samples: Sequence[Sample], now: float) -> bool:
        """Every process stops when all of them would: their schedules stay interleaved to the end."""
        flags[part] = int(stop(samples, now))
        return all(flags)

    indexes = range(part, len(offsets), count)
    return asyncio.run(send(
        job["host"], job["port"], [payloads[i % len(payloads)] for i in indexes], [offsets[i] for i in indexes],
        max(1, job["connections"] // count), job["timeout"], job["accept"], agreed if stop else None, indexes,
        job["start_at"],
    ))  # fmt: skip


def _send_in_processes(host: str, port: int, payloads: Sequence[bytes], offsets: Sequence[float], connections: int,
                       timeout: float, accept: Callable[[int, bytes], bool], stop: Stop | None, processes: int,
                       ) -> tuple[list[Sample], float, int]:  # fmt: skip
    """Each process runs its own client (and its own ``stop``) on its share; samples come back in schedule order."""
    context = multiprocessing.get_context("fork")
    _JOB.update(host=host, port=port, payloads=payloads, offsets=offsets, connections=connections, timeout=timeout,
                accept=accept, stop=stop, processes=processes, start_at=time.time() + 1.0,
                flags=context.Array("b", processes))  # fmt: skip
    try:
        with context.Pool(processes) as pool:
            parts = pool.map(_send_part, range(processes))
    finally:
        _JOB.clear()
    samples = sorted((sample for part in parts for sample in part[0]), key=lambda sample: sample.index)
    return samples, max(part[1] for part in parts), sum(part[2] for part in parts)


def run_open_loop(
    base_url: str,
    requests: Sequence[Req],
    *,
    rate: float,
    seconds: float,
    connections: int = 64,
    timeout: float = 10,
    accept: Callable[[int, bytes], bool] = lambda status, body: 200 <= status < 300,
) -> OpenLoopResult:
    """Send ``rate`` requests per second for ``seconds`` (request i is ``requests[i % len]``), then stop."""
    total = max(1, int(rate * seconds))
    offsets = [index / rate for index in range(total)]
    result = run_schedule(base_url, requests, offsets, connections=connections, timeout=timeout, accept=accept)
    result.rate, result.seconds = rate, max(seconds, result.seconds)
    return result


T = TypeVar("T")


def _run(coroutine: Coroutine[object, object, T]) -> T:
    """``asyncio.run``, in a thread of its own when this thread already runs an event loop (as it does in a
    test session after Playwright's synchronous API has started one)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
