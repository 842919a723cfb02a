"""The open-loop client's connections: asyncio protocols with no task or timer per request.

A few thousand requests per second cost it a small part of one core: on a 2-core machine a heavier client measures
its own lateness (it records when each request was really written, so that shows). ``send`` writes request *i* at
its scheduled offset on a free kept-alive connection, or a new one, and fills in its ``Sample``.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass


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


Stop = Callable[[Sequence[Sample], float], bool]


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


async def send(host: str, port: int, payloads: Sequence[bytes], offsets: Sequence[float], connections: int,
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
