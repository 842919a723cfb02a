"""The first sheet of an xlsx workbook, row by row, in memory that does not grow with the sheet.

python-calamine reads a whole sheet into memory (about 1 KB per roster row) and openpyxl's read-only mode keeps
every shared string in a list, so neither reads a city's roster in bounded memory. Here the sheet is parsed with
expat as it is inflated from the archive, and the shared strings (Excel stores each distinct text once, in a table
the cells point into) wait in a temporary file, looked up by offset. Numbers in a date format become dates, as
calamine returns them; everything else is returned as the workbook stores it (text, float, bool) for the reader to
normalise. Rows are numbered as the user sees them; rows missing from the file come out empty.
"""

from __future__ import annotations

import datetime
import os
import re
import struct
import tempfile
import zipfile
from collections.abc import Iterator
from typing import IO, Any
from xml.etree import ElementTree
from xml.parsers import expat

from openpyxl.styles.numbers import is_date_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
# number formats Excel does not write out: 14–22 and 45–47 everywhere, 27–36 and 50–58 in Chinese and other
# East Asian locales (e.g. 27 is "yyyy年m月", 31 is "yyyy年m月d日")
BUILTIN_DATE_FORMATS = frozenset((*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)))
BLOCK = 1 << 16
STRING_CACHE = 4096
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_OFFSET = struct.Struct("<q")
_OFFSET_PAIR = struct.Struct("<qq")
TAGS = ("row", "c", "v", "t", "rPh")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+(\d+)(?::[A-Z]+(\d+))?\"")

Row = tuple[int, list[Any]]


class XlsxError(ValueError):
    """The archive is not a readable xlsx workbook."""


def is_xlsx(archive: zipfile.ZipFile) -> bool:
    return "xl/workbook.xml" in archive.NameToInfo


def xlsx_rows(fileobj: IO[bytes]) -> Iterator[Row]:
    """The rows of the first sheet. Raises ``XlsxError`` (also while iterating) when the workbook is damaged."""
    try:
        archive = zipfile.ZipFile(fileobj)
        book = _Book(archive)
    except (zipfile.BadZipFile, KeyError, expat.ExpatError, ValueError, EOFError) as exc:
        raise XlsxError(str(exc)) from None
    return _rows(archive, book)


def declared_rows(fileobj: IO[bytes]) -> int | None:
    """The last row of the ``<dimension ref="A1:K5001"/>`` a sheet may declare at its top (None without one)."""
    try:
        with zipfile.ZipFile(fileobj) as archive, archive.open(_Book(archive).sheet) as sheet:
            found = _DIMENSION.search(sheet.read(BLOCK))
    except (zipfile.BadZipFile, KeyError, expat.ExpatError, ValueError, EOFError):
        return None
    finally:
        fileobj.seek(0)
    return int(found.group(2) or found.group(1)) if found else None


def _rows(archive: zipfile.ZipFile, book: _Book) -> Iterator[Row]:
    try:
        with SharedStrings(archive, book.shared_strings) as strings, archive.open(book.sheet) as sheet:
            yield from _SheetRows(strings, book.date_styles, book.epoch).read(sheet)
    except (zipfile.BadZipFile, KeyError, expat.ExpatError, ValueError, IndexError, EOFError) as exc:
        raise XlsxError(str(exc)) from None
    finally:
        archive.close()


def _parser() -> expat.XMLParserType:
    """An expat parser with namespaces resolved ("<uri> <name>") that refuses document type declarations: a
    workbook has none, and refusing them rules out entity expansion."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.buffer_size = BLOCK

    def refuse(*_args: Any) -> None:
        raise ValueError("document type declarations are not allowed in a workbook")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


def _feed(parser: expat.XMLParserType, source: IO[bytes]) -> Iterator[None]:
    """Parse ``source`` a block at a time, pausing after each block so the caller can take what it produced."""
    while block := source.read(BLOCK):
        parser.Parse(block, False)
        yield None
    parser.Parse(b"", True)
    yield None


def _clark(name: str) -> str:
    """expat's "<uri> <name>" as ElementTree's "{<uri>}<name>"."""
    uri, _space, local = name.rpartition(" ")
    return f"{{{uri}}}{local}" if uri else local


def _tree(data: bytes) -> ElementTree.Element:
    """A small part of the workbook (its sheet list, relationships, styles) as a tree, through the same guarded
    parser as the sheet."""
    builder = ElementTree.TreeBuilder()
    parser = _parser()
    parser.StartElementHandler = lambda name, attrs: builder.start(
        _clark(name), {_clark(key): value for key, value in attrs.items()}
    )
    parser.EndElementHandler = lambda name: builder.end(_clark(name))
    parser.CharacterDataHandler = builder.data
    parser.Parse(data, True)
    return builder.close()


def unescape(text: str) -> str:
    """Excel writes control characters as ``_xHHHH_`` (``_x000D_`` for a carriage return)."""
    return _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), text) if "_x" in text else text


class _Book:
    """Where the first sheet, the shared strings and the styles are, which styles are dates, and the epoch."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        workbook = _tree(archive.read("xl/workbook.xml"))
        relationships = self._relationships(archive)
        first = workbook.find(f"{{{MAIN}}}sheets/{{{MAIN}}}sheet")
        wanted = first.get(f"{{{RELATIONSHIPS}}}id", "") if first is not None else ""
        self.sheet = next((path for found, _kind, path in relationships if found == wanted), "xl/worksheets/sheet1.xml")
        of_type = {kind.rpartition("/")[2]: path for _id, kind, path in relationships}
        self.shared_strings = of_type.get("sharedStrings", "xl/sharedStrings.xml")
        properties = workbook.find(f"{{{MAIN}}}workbookPr")
        date1904 = properties is not None and properties.get("date1904", "").lower() in ("1", "true")
        self.epoch = MAC_EPOCH if date1904 else WINDOWS_EPOCH
        self.date_styles = self._date_styles(archive, of_type.get("styles", "xl/styles.xml"))

    @staticmethod
    def _relationships(archive: zipfile.ZipFile) -> list[tuple[str, str, str]]:
        """(id, type, path in the archive) of the workbook's parts."""
        if "xl/_rels/workbook.xml.rels" not in archive.NameToInfo:
            return []
        root = _tree(archive.read("xl/_rels/workbook.xml.rels"))
        found = []
        for relation in root.iter(f"{{{PACKAGE_RELATIONSHIPS}}}Relationship"):
            target = relation.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            found.append((relation.get("Id", ""), relation.get("Type", ""), os.path.normpath(path)))
        return found

    @staticmethod
    def _date_styles(archive: zipfile.ZipFile, path: str) -> frozenset[int]:
        """Indexes of the cell styles (the ``s`` of a cell) whose number format shows a date or a time."""
        if path not in archive.NameToInfo:
            return frozenset()
        styles = _tree(archive.read(path))
        custom = {
            int(number_format.get("numFmtId", "-1")): number_format.get("formatCode", "")
            for number_format in styles.iter(f"{{{MAIN}}}numFmt")
        }
        cell_styles = styles.find(f"{{{MAIN}}}cellXfs")
        dates = set()
        for index, style in enumerate(cell_styles if cell_styles is not None else ()):
            format_id = int(style.get("numFmtId", "0"))
            if format_id in BUILTIN_DATE_FORMATS or (format_id in custom and is_date_format(custom[format_id])):
                dates.add(index)
        return frozenset(dates)


class SharedStrings:
    """The shared-string table in two temporary files: the texts (UTF-8) and their start offsets, 8 bytes each.
    A lookup reads two small slices with ``pread``; the texts used most (classes, 男/女, 母亲) stay cached."""

    def __init__(self, archive: zipfile.ZipFile, path: str) -> None:
        self._texts = tempfile.TemporaryFile()
        self._offsets = tempfile.TemporaryFile()
        self._cache: dict[int, str] = {}
        self.count = 0
        if path in archive.NameToInfo:
            with archive.open(path) as source:
                self._load(source)
        self._texts.flush()
        self._offsets.flush()

    def __enter__(self) -> SharedStrings:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._texts.close()
        self._offsets.close()

    def _load(self, source: IO[bytes]) -> None:
        parser = _parser()
        parts: list[str] = []
        state = {"depth_in_phonetic": 0, "collecting": False}
        offsets = bytearray()
        position = 0
        written: list[bytes] = []
        text_tag, item_tag, phonetic_tag = f"{MAIN} t", f"{MAIN} si", f"{MAIN} rPh"

        def start(name: str, _attrs: dict[str, str]) -> None:
            if name == text_tag and not state["depth_in_phonetic"]:
                state["collecting"] = True
            elif name == phonetic_tag:
                state["depth_in_phonetic"] += 1

        def end(name: str) -> None:
            nonlocal position
            if name == text_tag:
                state["collecting"] = False
            elif name == phonetic_tag:
                state["depth_in_phonetic"] -= 1
            elif name == item_tag:
                encoded = unescape("".join(parts)).encode()
                parts.clear()
                offsets.extend(_OFFSET.pack(position))
                written.append(encoded)
                position += len(encoded)

        def text(data: str) -> None:
            if state["collecting"]:
                parts.append(data)

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text
        for _ in _feed(parser, source):
            self._texts.write(b"".join(written))
            self._offsets.write(offsets)
            self.count += len(offsets) // _OFFSET.size
            written.clear()
            offsets.clear()
        self._offsets.write(_OFFSET.pack(position))  # the end of the last text

    def __getitem__(self, index: int) -> str:
        found = self._cache.get(index)
        if found is not None:
            return found
        if not 0 <= index < self.count:
            raise IndexError(f"shared string {index} of {self.count}")
        start, end = _OFFSET_PAIR.unpack(os.pread(self._offsets.fileno(), _OFFSET_PAIR.size, index * _OFFSET.size))
        found = os.pread(self._texts.fileno(), end - start, start).decode()
        if len(self._cache) >= STRING_CACHE:
            self._cache.clear()
        self._cache[index] = found
        return found


class _SheetRows:
    """The expat handlers that turn a worksheet's XML into rows of cell values."""

    def __init__(self, strings: SharedStrings, date_styles: frozenset[int], epoch: datetime.datetime) -> None:
        self.strings, self.date_styles, self.epoch = strings, date_styles, epoch
        self._columns: dict[str, int] = {}

    def column(self, reference: str) -> int:
        """0-based column of a cell reference ("AB12" → 27)."""
        letters = reference.rstrip("0123456789")
        found = self._columns.get(letters)
        if found is None:
            found = 0
            for letter in letters.upper():
                found = found * 26 + ord(letter) - 64
            found -= 1
            if not 0 <= found < 16384:
                raise ValueError(f"cell reference {reference!r}")
            self._columns[letters] = found
        return found

    def value(self, kind: str, style: int, text: str) -> Any:
        if kind == "s":
            return self.strings[int(text)]
        if kind in ("inlineStr", "str", "e"):
            return unescape(text)
        if not text:
            return ""
        if kind == "b":
            return text == "1"
        if kind == "d":
            try:
                return datetime.datetime.fromisoformat(text)
            except ValueError:
                return text  # shown as written; the column's parser explains what it expects
        number = float(text)
        if style in self.date_styles:
            return self.moment(number)
        return number

    def moment(self, number: float) -> Any:
        """A date-formatted number as calamine returns it: a date, a date and time, or a time of day."""
        try:
            moment = from_excel(number, self.epoch)
        except (OverflowError, ValueError):
            return number  # no calendar date: leave the number for the column's parser to refuse
        if isinstance(moment, datetime.datetime) and moment.time() == datetime.time():
            return moment.date()
        return moment

    def read(self, source: IO[bytes]) -> Iterator[Row]:
        parser = _parser()
        done: list[Row] = []
        cells: list[Any] = []
        parts: list[str] = []
        kind, style, column, number, collecting, phonetic = "n", 0, 0, 0, False, 0
        row_tag, cell_tag, value_tag, text_tag, phonetic_tag = (
            f"{MAIN} {tag}" for tag in ("row", "c", "v", "t", "rPh")
        )

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal kind, style, column, number, collecting, phonetic
            if name == cell_tag:
                reference = attrs.get("r")
                column = self.column(reference) if reference else len(cells)
                kind = attrs.get("t", "n")
                style = int(attrs.get("s", 0))
                parts.clear()
            elif name == value_tag or (name == text_tag and not phonetic):
                collecting = True
            elif name == row_tag:
                given = attrs.get("r")
                number = int(given) if given else number + 1
                cells.clear()
            elif name == phonetic_tag:
                phonetic += 1

        def end(name: str) -> None:
            nonlocal collecting, phonetic
            if name == cell_tag:
                if column > len(cells):
                    cells.extend([""] * (column - len(cells)))
                value = self.value(kind, style, "".join(parts))
                if column < len(cells):
                    cells[column] = value
                else:
                    cells.append(value)
            elif name == value_tag or name == text_tag:
                collecting = False
            elif name == row_tag:
                if done and number <= done[-1][0]:
                    raise ValueError(f"row {number} out of order")
                done.append((number, list(cells)))
            elif name == phonetic_tag:
                phonetic -= 1

        def text(data: str) -> None:
            if collecting:
                parts.append(data)

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text
        last = 0
        for _ in _feed(parser, source):
            for found, row in done:
                if found <= last:
                    raise ValueError(f"row {found} out of order")
                yield from ((missing, []) for missing in range(last + 1, found))  # rows the file leaves out
                yield found, row
                last = found
            done.clear()
