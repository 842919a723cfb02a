#!/usr/bin/env python3
"""Copy the front-end files the pages use from node_modules/ into build/vendor/.

npm installs ~15,000 files (150 MB) of which the pages need a few dozen. Collecting all of
node_modules makes `collectstatic` slow (~14 s on every run, compression included) and fills
STATIC_ROOT with 29,000 files, so Django collects build/vendor/ instead (STATICFILES_DIRS entry
("vendor", build/vendor)). The folder mirrors node_modules/, so a template writes
{% static 'vendor/htmx.org/dist/htmx.min.js' %} whichever folder is collected.

The script also refuses files that would load anything from another host at run time (a CSS
`url(https://...)` or `@import`): the bureaus run on intranets, there is no CDN.

Standard library only. Usage: scripts/vendor_static.py [--src node_modules] [--dest build/vendor]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# package -> (required major version, glob patterns relative to the package folder)
VENDOR: dict[str, tuple[int, list[str]]] = {
    "@tabler/core": (
        1,
        [
            "dist/css/tabler.min.css",
            "dist/css/tabler.min.css.map",
            "dist/css/tabler-vendors.min.css",
            "dist/css/tabler-vendors.min.css.map",
            "dist/css/tabler-themes.min.css",
            "dist/css/tabler-themes.min.css.map",
            "dist/js/tabler.min.js",
            "dist/js/tabler.min.js.map",
            "dist/js/tabler-theme.min.js",
            "dist/js/tabler-theme.min.js.map",
        ],
    ),
    "@tabler/icons-webfont": (
        3,
        [
            "LICENSE",
            "dist/tabler-icons.min.css",
            "dist/tabler-icons-filled.min.css",
            "dist/tabler-icons-filled.min.css.map",
            "dist/fonts/tabler-icons.woff2",
            "dist/fonts/tabler-icons.woff",
            "dist/fonts/tabler-icons.ttf",
            "dist/fonts/tabler-icons-filled.woff2",
            "dist/fonts/tabler-icons-filled.woff",
            "dist/fonts/tabler-icons-filled.ttf",
        ],
    ),
    "htmx.org": (2, ["LICENSE", "dist/htmx.min.js", "dist/htmx.js", "dist/ext/*.js"]),
    "echarts": (5, ["LICENSE", "NOTICE", "dist/echarts.min.js"]),
}

# Anything in a stylesheet that makes the browser fetch from another host.
EXTERNAL_CSS = re.compile(r"""url\(\s*["']?\s*(?:https?:)?//|@import""", re.IGNORECASE)


def package_version(package_dir: Path) -> str:
    return json.loads((package_dir / "package.json").read_text(encoding="utf-8"))["version"]


def collect(src: Path) -> list[tuple[Path, Path]]:
    """Return (source file, path relative to the vendor root) pairs; raise on anything missing."""
    files: list[tuple[Path, Path]] = []
    problems: list[str] = []
    for package, (major, patterns) in VENDOR.items():
        package_dir = src / package
        if not (package_dir / "package.json").is_file():
            problems.append(f"{package}: not installed in {src} (run `make install`)")
            continue
        version = package_version(package_dir)
        if int(version.split(".")[0]) != major:
            problems.append(f"{package}: version {version} installed, {major}.x expected (see package.json)")
        for pattern in patterns:
            matches = sorted(p for p in package_dir.glob(pattern) if p.is_file())
            if not matches:
                problems.append(f"{package}: nothing matches {pattern}")
            files.extend((path, Path(package) / path.relative_to(package_dir)) for path in matches)
    for path, relative in files:
        if path.suffix == ".css" and EXTERNAL_CSS.search(path.read_text(encoding="utf-8", errors="replace")):
            problems.append(f"{relative}: loads a file from another host (url(//...) or @import)")
    if problems:
        raise SystemExit("vendor_static: " + "\n  ".join(["cannot build the vendor folder:", *problems]))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--src", type=Path, default=ROOT / "node_modules")
    parser.add_argument("--dest", type=Path, default=ROOT / "build" / "vendor")
    args = parser.parse_args(argv)

    files = collect(args.src)
    # Build next to the destination and swap, so an interrupted run never leaves half a folder.
    staging = args.dest.with_name(args.dest.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    total = 0
    for path, relative in files:
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        total += path.stat().st_size
    shutil.rmtree(args.dest, ignore_errors=True)
    staging.rename(args.dest)
    versions = ", ".join(f"{package} {package_version(args.src / package)}" for package in VENDOR)
    print(f"vendor_static: {len(files)} files ({total / 1e6:.1f} MB) -> {args.dest} [{versions}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
