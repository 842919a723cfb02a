"""Figures, their limits and targets: percentiles, ratios and whether a target holds."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

# How a target compares a measured value: at least / at most an absolute value, or a ratio to the limit.
TARGET_KINDS = ("min", "max", "min_ratio", "max_ratio")


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0–100) with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of an empty sample")
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} outside 0–100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99/max in milliseconds, rounded to 0.1 ms."""
    if not seconds:
        return {}
    return {
        name: round(1000 * value, 1)
        for name, value in (
            ("p50_ms", percentile(seconds, 50)),
            ("p95_ms", percentile(seconds, 95)),
            ("p99_ms", percentile(seconds, 99)),
            ("max_ms", max(seconds)),
        )
    }


def ratio(value: float | None, limit: float | None) -> float | None:
    """value / limit, or None when either is missing or the limit is zero."""
    if value is None or limit is None or limit == 0:
        return None
    return value / limit


@dataclass
class Target:
    """What the owning issue asks for: ``kind`` is one of TARGET_KINDS; ``text`` quotes it for the report."""

    kind: str
    value: float
    text: str

    def __post_init__(self) -> None:
        if self.kind not in TARGET_KINDS:
            raise ValueError(f"unknown target kind {self.kind!r}")

    def holds(self, value: float | None, limit: float | None) -> bool | None:
        """True / False, or None when the figure needed was not measured."""
        if self.kind in ("min", "max"):
            if value is None:
                return None
            return value >= self.value if self.kind == "min" else value <= self.value
        measured = ratio(value, limit)
        if measured is None:
            return None
        return measured >= self.value if self.kind == "min_ratio" else measured <= self.value


@dataclass
class Figure:
    """One measured figure paired with its limit from the same run."""

    key: str
    label: str
    value: float | None
    unit: str
    limit: float | None = None
    limit_label: str = ""
    targets: list[Target] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return ratio(self.value, self.limit)

    @property
    def verdicts(self) -> list[bool | None]:
        return [target.holds(self.value, self.limit) for target in self.targets]

    @property
    def holds(self) -> bool | None:
        """All targets hold (True), any misses (False), nothing to judge (None)."""
        verdicts = self.verdicts
        if any(verdict is False for verdict in verdicts):
            return False
        if verdicts and all(verdict is True for verdict in verdicts):
            return True
        return None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = None if self.ratio is None else round(self.ratio, 3)
        data["holds"] = self.holds
        data["verdicts"] = self.verdicts
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figure:
        fields = {key: data[key] for key in ("key", "label", "value", "unit") if key in data}
        extra = {key: data[key] for key in ("limit", "limit_label", "details", "note") if key in data}
        targets = [Target(**target) for target in data.get("targets", [])]
        return cls(**fields, **extra, targets=targets)


@dataclass
class Skipped:
    """A benchmark that could not run, and why (e.g. its module is not present)."""

    key: str
    label: str
    reason: str
