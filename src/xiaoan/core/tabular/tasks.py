"""Queue entry points (thin wrappers around the services)."""

from __future__ import annotations

from .services import import_reap_stuck, import_run


def run_import(job_id: int) -> str | None:
    job = import_run(job_id=job_id)
    return job.state if job else None


def reap_stuck_imports() -> int:
    return import_reap_stuck()
