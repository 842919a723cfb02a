"""Load generators on loopback, always bounded in time: wrk (closed loop, throughput) here, and the open-loop
client (bench/openloop.py, its HTTP connections in bench/loopclient.py).

Both replay the same ``Req`` objects: wrk through requests.lua, the open-loop client as raw HTTP/1.1 bytes.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
