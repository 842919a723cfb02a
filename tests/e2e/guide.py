"""Screenshots for the user guide (docs/guide/), taken by the browser tests at the step the guide describes.

A plain test run writes them to build/guide-img/, so `make test` leaves the working tree as it found it (the
pictures change with every run: dates, generated names). `make guide-images` runs the browser tests with
XIAOAN_GUIDE_IMG=docs/guide/img and so refreshes the pictures the guide shows; commit them with the change that
altered the pages.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
GUIDE_IMAGES = PROJECT / "docs" / "guide" / "img"
DEFAULT_TARGET = PROJECT / "build" / "guide-img"


def target() -> Path:
    configured = os.environ.get("XIAOAN_GUIDE_IMG", "").strip()
    if not configured:
        return DEFAULT_TARGET
    path = Path(configured)
    return path if path.is_absolute() else PROJECT / path


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save the page (the whole page, or what the screen shows) as ``name`` for the guide; returns where it went."""
    folder = target()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path), full_page=full_page)
    return path
