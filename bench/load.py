"""Load generators on loopback, always bounded in time: wrk (closed loop, throughput) and an open-loop client.

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
import subprocess
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .stats import latency_summary

LUA_SCRIPT = Path(__file__).with_name("requests.lua")


class LoadError(RuntimeError):
    pass


@dataclass
class Req:
    """One request of a load run."""

    method: str
    path: str
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def line(self) -> str:
        if "\t" in self.path + self.body or "\n" in self.path + self.body:
            raise ValueError("requests for wrk cannot contain tabs or newlines")
        return f"{self.method}\t{self.path}\t{self.body}"

    def raw(self, host: str) -> bytes:
        body = self.body.encode()
        headers = {"Host": host, "Connection": "keep-alive", **self.headers}
        if self.method != "GET" or body:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
            headers["Content-Length"] = str(len(body))
        head = f"{self.method} {self.path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        return head.encode() + b"\r\n" + body


# --- wrk ----------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    requests_per_s: float
    requests: int
    seconds: float
    socket_errors: int
    non_2xx_3xx: int
    latency: dict[str, float]

    @property
    def errors(self) -> int:
        return self.socket_errors + self.non_2xx_3xx


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    if not rate or not total:
        raise LoadError(f"cannot read wrk's output:\n{output}")
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    latency = {}
    for name, value in re.findall(r"^\s+(50|90|99)%\s+(\S+)$", output, flags=re.MULTILINE):
        latency[f"p{name}_ms"] = round(_ms(value), 1)
    return WrkResult(
        requests_per_s=float(rate.group(1)),
        requests=int(total.group(1)),
        seconds=_ms(total.group(2) + total.group(3)) / 1000,
        socket_errors=sum(int(n) for n in socket.groups()) if socket else 0,
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        latency=latency,
    )


def run_wrk(
    base_url: str, requests: Sequence[Req], *, seconds: float, threads: int = 2, connections: int = 32
) -> WrkResult:
    """wrk for a fixed duration replaying ``requests`` (each thread its own stripe, cycling)."""
    if len(requests) < threads:
        raise LoadError("fewer requests than wrk threads")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8", delete=False) as handle:
        handle.write("\n".join(req.line() for req in requests) + "\n")
        path = handle.name
    command = [
        "wrk", "--latency", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:.0f}s",
        "--timeout", "10s", "-s", str(LUA_SCRIPT), base_url, "--", path, str(threads),
    ]  # fmt: skip
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    except FileNotFoundError as exc:
        raise LoadError("wrk is not installed (Debian package `wrk`; run `make install`)") from exc
    finally:
        Path(path).unlink(missing_ok=True)
    if done.returncode != 0:
        raise LoadError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


# --- open loop ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Sample:
    """One request of an open-loop run; times in seconds from the run's start."""

    due: float  # when the schedule said to send it
    index: int = 0  # its place in the schedule (and so which request it was)
    sent: float | None = None  # when it was written (later than ``due`` when the client fell behind)
    latency: float | None = None  # from ``due`` to the complete answer; None: no answer
    status: int | None = None
    retry_after: bool = False  # the answer carried a Retry-After header
    accepted: bool = False  # the caller's ``accept`` judged the answer a success
    done: bool = False  # answered or given up on
    failure: str = ""  # why there is no answer


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


class _Parser:
    """Incremental HTTP/1.1 response parser: status, the few headers the client needs, body by Content-Length,
    chunks, or until the server closes."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def feed(self, data: bytes) -> None:
        self.buffer += data

    def response(self, eof: bool = False) -> tuple[int, dict[str, str], bytes] | None:
        """The first complete response in the buffer (removed from it), or None while incomplete."""
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        lines = self.buffer[:end].decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        start = end + 4
        if "content-length" in headers:
            stop = start + int(headers["content-length"])
            if len(self.buffer) < stop:
                return None
            body = bytes(self.buffer[start:stop])
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            found = self._chunks(start)
            if found is None:
                return None
            body, stop = found
        else:
            if not eof:
                return None
            body, stop = bytes(self.buffer[start:]), len(self.buffer)
            headers["connection"] = "close"
        del self.buffer[:stop]
        return status, headers, body

    def _chunks(self, position: int) -> tuple[bytes, int] | None:
        parts = []
        while True:
            line_end = self.buffer.find(b"\r\n", position)
            if line_end < 0:
                return None
            size = int(bytes(self.buffer[position:line_end]).split(b";")[0], 16)
            position = line_end + 2
            if size == 0:
                if self.buffer.find(b"\r\n", position) != position:
                    return None  # trailers are not expected; wait for the final CRLF
                return b"".join(parts), position + 2
            if len(self.buffer) < position + size + 2:
                return None
            parts.append(bytes(self.buffer[position : position + size]))
            position += size + 2


class _Connection(asyncio.Protocol):
    """One kept-alive connection carrying one request at a time."""

    def __init__(self, client: _Client):
        self.client = client
        self.transport: asyncio.Transport | None = None
        self.parser = _Parser()
        self.current: int | None = None  # index of the request in flight
        self.used = False  # has carried a request before (so the server may have closed it meanwhile)
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def send(self, index: int) -> None:
        self.current = index
        self.client.sending(index)
        assert self.transport is not None
        self.transport.write(self.client.payload(index))

    def data_received(self, data: bytes) -> None:
        self.parser.feed(data)
        self._answer(eof=False)

    def eof_received(self) -> bool:
        self._answer(eof=True)
        return False  # close the transport

    def _answer(self, eof: bool) -> None:
        if self.current is None:
            return
        try:
            answer = self.parser.response(eof=eof)
        except (ValueError, IndexError):
            self._fail()
            return
        if answer is None:
            return
        index, self.current = self.current, None
        status, headers, body = answer
        self.used = True
        self.client.answered(index, status, headers, body)
        if headers.get("connection", "").lower() == "close":
            self.abort()
        else:
            self.client.release(self)

    def _fail(self) -> None:
        index, self.current = self.current, None
        self.abort()
        if index is not None:
            self.client.failed(index, "unreadable answer")

    def abort(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.client.lost(self)
        if self.current is None:
            return
        index, self.current = self.current, None
        if self.used and not self.parser.buffer:
            self.client.retry(index)  # the server closed a kept-alive connection before reading this request
        else:
            self.client.failed(index, "connection closed before the answer")


class _Client:
    """Open-loop sender built on asyncio protocols (no task or timer per request): at a few thousand requests per
    second the client must cost a small fraction of a core, or on a 2-core machine it measures itself."""

    def __init__(self, host: str, port: int, payloads: Sequence[bytes], samples: list[Sample], connections: int,
                 timeout: float, accept: Callable[[int, bytes], bool], start_at: float | None):  # fmt: skip
        self.loop = asyncio.get_running_loop()
        self.host, self.port, self.payloads, self.samples = host, port, payloads, samples
        self.limit, self.timeout, self.accept = connections, timeout, accept
        # start_at (wall clock) lines up the schedules of several client processes
        self.start = self.loop.time() + (0.05 if start_at is None else start_at - time.time())
        self.idle: list[_Connection] = []
        self.waiting: deque[int] = deque()  # requests due while every connection was busy
        self.in_flight: dict[int, _Connection | None] = {}  # request → its connection (None while it opens)
        self.open_now = 0
        self.opened = 0
        self.retried: set[int] = set()
        self.pending = 0  # scheduled and not yet done

    def clock(self) -> float:
        return self.loop.time() - self.start

    def payload(self, index: int) -> bytes:
        return self.payloads[index % len(self.payloads)]

    def submit(self, index: int) -> None:
        self.pending += 1
        self._dispatch(index)

    def _dispatch(self, index: int, fresh: bool = False) -> None:
        while self.idle and not fresh:
            conn = self.idle.pop()  # the most recently used: at a low rate a few warm connections carry everything
            if not conn.closed:
                self.in_flight[index] = conn
                conn.send(index)
                return
        if self.open_now < self.limit:
            self._open(index)
        else:
            self.waiting.append(index)

    def _open(self, index: int) -> None:
        self.open_now += 1
        self.opened += 1
        self.in_flight[index] = None
        task = self.loop.create_task(
            asyncio.wait_for(self.loop.create_connection(lambda: _Connection(self), self.host, self.port), self.timeout)
        )
        task.add_done_callback(lambda done: self._opened(index, done))

    def _opened(self, index: int, done: asyncio.Task[tuple[asyncio.BaseTransport, asyncio.BaseProtocol]]) -> None:
        if done.cancelled() or done.exception() is not None:
            self.open_now -= 1
            self.failed(index, f"connect: {type(done.exception()).__name__ if not done.cancelled() else 'cancelled'}")
            return
        conn = done.result()[1]
        assert isinstance(conn, _Connection)
        if self.samples[index].done:  # timed out while the connection opened
            self.release(conn)
            return
        self.in_flight[index] = conn
        conn.send(index)

    def sending(self, index: int) -> None:
        sample = self.samples[index]
        if sample.sent is None:
            sample.sent = self.clock()

    def answered(self, index: int, status: int, headers: dict[str, str], body: bytes) -> None:
        sample = self.samples[index]
        if sample.done:
            return
        sample.latency = self.clock() - sample.due
        sample.status = status
        sample.retry_after = "retry-after" in headers
        sample.accepted = self.accept(status, body)
        self._done(index)

    def failed(self, index: int, reason: str) -> None:
        if not self.samples[index].done:
            self.samples[index].failure = reason
            self._done(index)

    def retry(self, index: int) -> None:
        if index in self.retried or self.samples[index].done:
            self.failed(index, "connection closed again after a resend")
            return
        self.retried.add(index)
        self.in_flight.pop(index, None)
        self._dispatch(index, fresh=True)  # the next idle connection may be just as stale

    def _done(self, index: int) -> None:
        self.samples[index].done = True
        self.in_flight.pop(index, None)
        self.pending -= 1

    def release(self, conn: _Connection) -> None:
        if conn.closed:
            return
        if self.waiting:
            index = self.waiting.popleft()
            self.in_flight[index] = conn
            conn.send(index)
        else:
            self.idle.append(conn)

    def lost(self, conn: _Connection) -> None:
        self.open_now -= 1
        if self.waiting and self.open_now < self.limit:
            self._open(self.waiting.popleft())

    def expire(self) -> None:
        """Give up on requests older than the timeout (their connections are dropped)."""
        now = self.clock()
        for index in [i for i in self.in_flight if now - (self.samples[i].sent or self.samples[i].due) > self.timeout]:
            conn = self.in_flight.get(index)
            self.failed(index, "no answer within the timeout" if conn is not None else "connect: no connection")
            if conn is not None:
                conn.current = None
                conn.abort()
        while self.waiting and now - self.samples[self.waiting[0]].due > self.timeout:
            self.failed(self.waiting.popleft(), "no free client connection within the timeout")

    def close(self) -> None:
        for index in list(self.in_flight) + list(self.waiting):
            self.failed(index, "unanswered when the run ended")
        for conn in self.idle:
            conn.abort()


Stop = Callable[[Sequence[Sample], float], bool]


async def _send(host: str, port: int, payloads: Sequence[bytes], offsets: Sequence[float], connections: int,
                timeout: float, accept: Callable[[int, bytes], bool], stop: Stop | None,
                indexes: Sequence[int] | None = None, start_at: float | None = None,
                ) -> tuple[list[Sample], float, int]:  # fmt: skip
    """Send request i at ``start + offsets[i]`` whatever happened to the earlier ones (until ``stop`` says so);
    returns the samples of the requests scheduled, the run's duration and the connections opened."""
    places = range(len(offsets)) if indexes is None else indexes
    samples = [Sample(due=offset, index=place) for offset, place in zip(offsets, places, strict=True)]
    client = _Client(host, port, payloads, samples, connections, timeout, accept, start_at)
    scheduled = 0
    next_check = 0.5
    while scheduled < len(offsets):
        now = client.clock()
        while scheduled < len(offsets) and offsets[scheduled] <= now:
            client.submit(scheduled)
            scheduled += 1
        if now >= next_check:
            next_check = now + 0.5
            client.expire()
            if stop is not None and stop(samples[:scheduled], now):
                break
        if scheduled < len(offsets):
            await asyncio.sleep(min(0.002, max(0.0, offsets[scheduled] - client.clock())))
    deadline = client.clock() + timeout + 1
    while client.pending > 0 and client.clock() < deadline:
        client.expire()
        await asyncio.sleep(0.05)
    client.close()
    return samples[:scheduled], client.clock(), client.opened


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
        samples, seconds, opened = _run(_send(host, port, payloads, offsets, connections, timeout, accept, stop))
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
    return asyncio.run(_send(
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
