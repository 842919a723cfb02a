"""Start a server process, wait until it answers, stop it with everything it forked; fail loudly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


class ServerStartError(RuntimeError):
    """A server did not come up: the message names it, says why and quotes the end of its log."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def answers(url: str, timeout: float = 5) -> int | None:
    """The HTTP status of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback URLs only
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


class Server:
    """One server in its own session (so stopping it reaches its workers), output to a log file."""

    def __init__(self, name: str, command: list[str], *, port: int, env: dict[str, str], cwd: Path | None = None):
        self.name = name
        self.command = command
        self.port = port
        self.env = env
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = Path(tempfile.mkstemp(prefix=f"xiaoan-bench-{name}-", suffix=".log")[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path: str = "/", timeout: float = 60) -> float:
        """Start and wait until ``ready_path`` answers below 500; returns the seconds it took."""
        if port_in_use(self.port):
            raise ServerStartError(f"{self.name}: port {self.port} on 127.0.0.1 is already in use")
        started = time.monotonic()
        with open(self.log_path, "wb") as log:
            try:
                self.process = subprocess.Popen(
                    self.command, stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=self.cwd,
                    start_new_session=True,
                )  # fmt: skip
            except OSError as exc:
                raise ServerStartError(f"{self.name}: cannot run {self.command[0]!r}: {exc}") from exc
        deadline = started + timeout
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code is not None:
                raise ServerStartError(f"{self.name}: exited with status {code} before answering\n{self.log_tail()}")
            status = answers(self.base_url + ready_path, timeout=2)
            if status is not None and status < 500:
                return time.monotonic() - started
            time.sleep(0.2)
        self.stop()
        raise ServerStartError(
            f"{self.name}: no answer on {self.base_url}{ready_path} within {timeout:.0f} s\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(f"  | {line}" for line in text.splitlines()[-lines:])

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM the process group, SIGKILL it after ``timeout``."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
