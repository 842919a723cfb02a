"""The English catalog is complete, compiled, and used.

Chinese is the source language: every msgid is Chinese (some carry their English sentence too), and
``locale/en/LC_MESSAGES/django.po`` must translate all of them. When a test here fails after adding
UI strings, regenerate the catalog from the repository root with
``python manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests
--no-obsolete``, translate the new entries, then run ``python ../../manage.py compilemessages -l en`` in
src/xiaoan so that the committed ``django.mo`` matches. ``msgfmt --statistics --check`` on the .po
file must report only translated messages.
"""

from __future__ import annotations

import ast
import gettext as gnu_gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

CATALOG = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_FILE = CATALOG / "django.po"
MO_FILE = CATALOG / "django.mo"

NAMED = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
BRACED = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def where(self) -> str:
        return f"django.po:{self.line} {self.msgid[:60]!r}"


def parse_po(path: Path) -> list[Entry]:
    """A small .po reader: enough for gettext's own output (no polib at test time)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # which field a continuation line extends

    def finish() -> None:
        nonlocal entry, target
        if entry is not None:
            entries.append(entry)
        entry, target = None, None

    def literal(text: str) -> str:
        return ast.literal_eval(text)  # a C string without octal escapes reads as a Python one

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue  # obsolete entries are not part of the catalog
        if line.startswith("#,"):
            if entry is not None and target is not None:
                finish()
            entry = entry or Entry(number)
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith("#"):
            if entry is not None and target is not None:
                finish()
            entry = entry or Entry(number)
            continue
        if line.startswith('"'):
            assert entry is not None and target is not None, f"stray string at django.po:{number}"
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += literal(line)
            else:
                setattr(entry, name, getattr(entry, name) + literal(line))
            continue
        keyword, _, value = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and entry is not None and target is not None and target[0] == "msgstr":
            finish()
        entry = entry or Entry(number)
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if match:
            target = ("msgstr", int(match.group(1)))
            entry.msgstr[target[1]] = literal(value)
        elif keyword == "msgstr":
            target = ("msgstr", 0)
            entry.msgstr[0] = literal(value)
        elif keyword in ("msgctxt", "msgid", "msgid_plural"):
            target = (keyword, 0)
            setattr(entry, keyword, literal(value))
        else:
            raise AssertionError(f"cannot read django.po:{number}: {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def catalog() -> tuple[Entry, list[Entry]]:
    assert PO_FILE.exists(), f"missing {PO_FILE.relative_to(settings.BASE_DIR)}"
    entries = parse_po(PO_FILE)
    headers = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(headers) == 1, "the catalog needs exactly one header entry"
    messages = [e for e in entries if e is not headers[0]]
    assert len(messages) > 100, "the catalog looks truncated"
    return headers[0], messages


def test_the_header_is_final_and_english(catalog):
    header, _ = catalog
    assert "fuzzy" not in header.flags
    assert "Language: en\n" in header.msgstr[0]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header.msgstr[0]


def test_every_message_is_translated_and_none_is_fuzzy(catalog):
    _, messages = catalog
    fuzzy = [e.where for e in messages if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    untranslated = []
    for e in messages:
        forms = 2 if e.msgid_plural is not None else 1
        if sorted(e.msgstr) != list(range(forms)) or not all(e.msgstr[i].strip() for i in range(forms)):
            untranslated.append(e.where)
    assert not untranslated, f"untranslated entries: {untranslated}"


def test_translations_are_english(catalog):
    _, messages = catalog
    han = re.compile(r"[\u3400-\u9fff]+")
    # Chinese may appear only where the English quotes the source, e.g. what to type into a spreadsheet.
    leftovers = []
    for e in messages:
        source = e.msgid + (e.msgid_plural or "")
        for text in e.msgstr.values():
            if any(run not in source for run in han.findall(text)):
                leftovers.append(e.where)
    assert not leftovers, f"Chinese left in English translations: {leftovers}"


def test_translations_keep_placeholders_tags_and_edge_whitespace(catalog):
    _, messages = catalog
    problems = []
    for e in messages:
        sources = [e.msgid] + ([e.msgid_plural] if e.msgid_plural is not None else [])
        names = set().union(*(NAMED.findall(s) for s in sources))
        braces = set().union(*(BRACED.findall(s) for s in sources))
        tags = set().union(*(TAG.findall(s) for s in sources))
        for index, text in e.msgstr.items():
            source = sources[min(index, len(sources) - 1)]
            if not set(NAMED.findall(text)) <= names:
                problems.append(f"{e.where}: unknown %(name)s placeholder in {text!r}")
            if "python-format" in e.flags and names and not NAMED.findall(text) and NAMED.findall(source):
                problems.append(f"{e.where}: all placeholders dropped in {text!r}")
            if text.count("%s") != source.count("%s") or text.count("%d") != source.count("%d"):
                problems.append(f"{e.where}: positional placeholders differ in {text!r}")
            if not set(BRACED.findall(text)) <= braces:
                problems.append(f"{e.where}: unknown {{name}} placeholder in {text!r}")
            if not set(TAG.findall(text)) <= tags:
                problems.append(f"{e.where}: HTML tags differ in {text!r}")
            for edge in (r"^\s*", r"\s*$"):
                if re.search(edge, source).group().count("\n") != re.search(edge, text).group().count("\n"):
                    problems.append(f"{e.where}: leading/trailing newlines differ")
    assert not problems, "\n".join(problems)


def test_the_compiled_catalog_matches_the_po_file(catalog):
    """django.mo is committed (servers need no gettext); it must not lag behind django.po."""
    _, messages = catalog
    assert MO_FILE.exists(), "run: cd src/xiaoan && python ../../manage.py compilemessages -l en"
    with MO_FILE.open("rb") as handle:
        compiled = gnu_gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    stale = []
    for e in messages:
        key = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            if compiled.get(key) != e.msgstr[0]:
                stale.append(e.where)
        elif any(compiled.get((key, i)) != e.msgstr[i] for i in e.msgstr):
            stale.append(e.where)
    assert not stale, f"django.mo is out of date (run compilemessages): {stale[:10]}"


def test_known_strings_in_english_and_in_chinese():
    with translation.override("en"):
        assert translation.gettext("首页") == "Home"
        assert translation.gettext("退出") == "Sign out"
        assert translation.gettext("切换身份") == "Switch post"
        assert translation.gettext("当前身份") == "Acting as"
        assert translation.gettext("审计日志") == "Audit log"
        assert (
            translation.gettext("学校标识码应为10位数字。 The school identifier must be 10 digits.")
            == "The school identifier must be 10 digits."
        )
        message = translation.ngettext("下载错误报告（%(n)s 处错误）", "下载错误报告（%(n)s 处错误）", 3)
        assert message % {"n": 3} == "Download the error report (3 errors)"
        message = translation.ngettext("下载错误报告（%(n)s 处错误）", "下载错误报告（%(n)s 处错误）", 1)
        assert message % {"n": 1} == "Download the error report (1 error)"
    with translation.override("zh-hans"):
        assert translation.gettext("首页") == "首页"
        assert translation.gettext("退出") == "退出"


def test_choice_labels_translate_and_stay_distinct():
    """Imports accept the English labels of stages and roles as well, so they must not collide."""
    from xiaoan.orgs.roles import Role, Stage

    for choices in (Role, Stage):
        with translation.override("en"):
            english = [str(member.label) for member in choices]
        with translation.override("zh-hans"):
            chinese = [str(member.label) for member in choices]
        assert all(label and not re.search(r"[\u3400-\u9fff]", label) for label in english), english
        assert len({label.casefold() for label in english}) == len(english), english
        assert english != chinese
    with translation.override("en"):
        assert str(Role.LEADER.label) == "Leader"
        assert str(Stage.PRIMARY.label) == "Primary school"
