"""The user guide's pictures: every one it shows exists, and every one is taken by a browser test.

The browser tests write their screenshots to build/guide-img/ unless `make guide-images` points them at
docs/guide/img/ (tests/e2e/guide.py), so a picture could silently go stale or lose its test; this keeps the three
lists — shown in the guide, kept in img/, taken by a test — the same.
"""

import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
GUIDE = PROJECT / "docs" / "guide"
SHOWN = re.compile(r"!\[[^\]]*\]\(img/([^)\s]+)\)")
TAKEN = re.compile(r"""["']([a-z0-9][a-z0-9-]*\.png)["']""")


def shown_in_guide() -> set[str]:
    return {name for chapter in GUIDE.glob("*.md") for name in SHOWN.findall(chapter.read_text(encoding="utf-8"))}


def kept_in_img() -> set[str]:
    return {path.name for path in (GUIDE / "img").iterdir() if path.is_file()}


def taken_by_browser_tests() -> set[str]:
    sources = (PROJECT / "tests" / "e2e").glob("test_*.py")
    return {name for source in sources for name in TAKEN.findall(source.read_text(encoding="utf-8"))}


def test_every_picture_the_guide_shows_is_in_img():
    shown = shown_in_guide()
    assert shown, "the guide shows no pictures: the pattern no longer matches the chapters"
    assert sorted(shown - kept_in_img()) == []


def test_img_holds_only_pictures_the_guide_shows():
    assert sorted(kept_in_img() - shown_in_guide()) == []


def test_every_picture_in_img_is_taken_by_a_browser_test():
    assert sorted(kept_in_img() - taken_by_browser_tests()) == []


def test_the_pattern_finds_a_known_picture_in_a_known_test():
    assert "families-receipt-phone.png" in taken_by_browser_tests()
