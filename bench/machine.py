"""What the figures were measured on: CPU, cores, memory, PostgreSQL and Python versions."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def describe(pg_version: str = "") -> dict[str, str]:
    kernel = platform.release()
    try:
        wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False).stdout.split("\n")[0]
    except OSError:
        wrk = "not installed"
    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count() or 1),
        "memory": _memory(),
        "OS": f"{platform.system()} {kernel}",
        "Python": platform.python_version(),
        "PostgreSQL": pg_version or "unknown",
        "load generator": wrk.strip() or "wrk",
    }
