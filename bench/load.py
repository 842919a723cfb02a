"""Load generators on loopback, always bounded in time: wrk (closed loop, throughput) and an open-loop client.

The open-loop client sends request *i* at ``start + i / rate`` whatever happened to the earlier ones and
measures each latency from that scheduled time, so a slow server is not flattered by a client that waits
for it (the coordinated-omission correction wrk2 makes; wrk2 is not packaged in Debian).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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


@dataclass
class OpenLoopResult:
    rate: float
    seconds: float
    scheduled: int
    latencies: list[float]
    statuses: Counter[int]
    failures: int  # no complete HTTP answer (refused, reset, timeout, not answered before the end)
    accepted: int  # answers the caller's `accept` judged a success

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


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    else:
        body = await reader.read()
        headers["connection"] = "close"
    if headers.get("connection", "").lower() == "close":
        raise _Closed(status, body)
    return status, body


class _Closed(Exception):
    """The server answered and closed the connection."""

    def __init__(self, status: int, body: bytes):
        super().__init__(status)
        self.status, self.body = status, body


async def _open_loop(
    host: str, port: int, payloads: Sequence[bytes], rate: float, seconds: float, connections: int,
    timeout: float, accept: Callable[[int, bytes], bool],
) -> OpenLoopResult:  # fmt: skip
    total = max(1, int(rate * seconds))
    queue: asyncio.Queue[tuple[int, float]] = asyncio.Queue()
    result = OpenLoopResult(rate, seconds, total, [], Counter(), 0, 0)
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05

    async def produce() -> None:
        sent = 0
        while sent < total:
            due = min(total, int((loop.time() - start) * rate) + 1)
            while sent < due:
                queue.put_nowait((sent, start + sent / rate))
                sent += 1
            await asyncio.sleep(0.001)

    async def worker() -> None:
        reader = writer = None
        while True:
            index, scheduled = await queue.get()
            try:
                if writer is None:
                    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
                writer.write(payloads[index % len(payloads)])
                try:
                    status, body = await asyncio.wait_for(_read_response(reader), timeout)  # type: ignore[arg-type]
                except _Closed as closed:
                    status, body = closed.status, closed.body
                    writer.close()
                    reader = writer = None
                result.latencies.append(loop.time() - scheduled)
                result.statuses[status] += 1
                result.accepted += int(accept(status, body))
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                result.failures += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
            finally:
                queue.task_done()

    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    producer = asyncio.create_task(produce())
    try:
        await asyncio.wait_for(producer, seconds + 5)
        await asyncio.wait_for(queue.join(), timeout + 5)
    except TimeoutError:
        pass
    finally:
        for task in [*workers, producer]:
            task.cancel()
        await asyncio.gather(*workers, producer, return_exceptions=True)
    result.failures = total - result.answered
    result.seconds = max(seconds, loop.time() - start)
    return result


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
    match = re.fullmatch(r"http://([\d.]+):(\d+)", base_url.rstrip("/"))
    if not match:
        raise LoadError(f"open-loop client: loopback http URL expected, got {base_url!r}")
    host, port = match.group(1), int(match.group(2))
    payloads = [req.raw(f"{host}:{port}") for req in requests]
    if not payloads:
        raise LoadError("open-loop client: no requests to send")
    started = time.monotonic()
    result = _run(_open_loop(host, port, payloads, rate, seconds, connections, timeout, accept))
    result.seconds = max(result.seconds, time.monotonic() - started - 0.05)
    return result


def _run(coroutine: Coroutine[object, object, OpenLoopResult]) -> OpenLoopResult:
    """``asyncio.run``, in a thread of its own when this thread already runs an event loop (as it does in a
    test session after Playwright's synchronous API has started one)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
