"""The roster import (学生名册导入): class rosters as schools keep them, into the uploader's school.

Files vary: headers in any order and wording, title lines, a two-row header ("监护人1" over 姓名/关系/电话),
grade and class cells merged down a block of rows, one or two guardians per row, total lines at the end.
A row updates the pupil it names — matched by ID number, else student number, else class + name + date
of birth — or enrols a new one; classes of the current school year are created as needed. Valid rows wait in a
spool (a temporary file), the keys for finding a pupil named twice in a scratch database, and the rows are written
set-based by ``bulk.RosterWriter``: memory stays flat however long the file.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoan.core.tabular.columns import Column, choice, text
from xiaoan.core.tabular.scratch import KeyLedger
from xiaoan.core.tabular.spec import ImportResult, ImportSpec, ParsedRow, RowError, register_spec
from xiaoan.core.tabular.spool import RowSpool

from .bulk import RosterWriter
from .grades import class_name, parse_grade
from .identity import IdentityError, birth_date_of, normalise_id_number, normalise_mobile
from .models import Gender, Relation, SchoolClass

TOTAL_WORDS = ("合计", "总计", "小计", "共计")
GUARDIAN_KEYS = tuple((f"guardian{n}_name", f"guardian{n}_relation", f"guardian{n}_mobile") for n in (1, 2))
CLASS_CACHE = 1_000
ID_KEY, NUMBER_KEY, CLASS_KEY = 1, 2, 3  # the kinds of key that name a pupil, in the order errors report them
FILL_DOWN = ("grade", "class_name")
_CLASS_NUMBER = re.compile(r"^[（(]?(\d{1,2})[)）]?班?$")
_NUMBER_IN_NAME = re.compile(r"[（(](\d{1,2})[)）]")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m", "%Y/%m", "%Y.%m", "%Y年%m月")

RELATION_WORDS = {
    Relation.FATHER: ("父亲", "父", "爸爸"),
    Relation.MOTHER: ("母亲", "母", "妈妈"),
    Relation.GRANDFATHER: ("祖父", "爷爷"),
    Relation.GRANDMOTHER: ("祖母", "奶奶"),
    Relation.MATERNAL_GRANDFATHER: ("外祖父", "外公", "姥爷"),
    Relation.MATERNAL_GRANDMOTHER: ("外祖母", "外婆", "姥姥"),
}
_RELATIONS = {word: relation for relation, words in RELATION_WORDS.items() for word in words}


def is_total_line(raw: dict[str, str]) -> bool:
    return any(value.replace(" ", "").startswith(TOTAL_WORDS) for value in raw.values())


def read_class(written: str, grade_cell: str) -> tuple[int, str] | None:
    """(grade, class name) from the class cell and the grade cell as written, or None when the grade is unclear."""
    written = written.replace("(", "（").replace(")", "）")  # the reader made brackets half-width
    grade = parse_grade(written)
    if grade is not None:
        return grade, written
    grade = parse_grade(grade_cell)
    if grade is None:
        return None
    match = _CLASS_NUMBER.match(written)
    return grade, class_name(grade, int(match.group(1))) if match else written


def parse_relation(value: str) -> str:
    """What people write (爸爸, 外婆 …); anything else is 其他监护人 rather than an error."""
    return _RELATIONS.get(value.strip(), Relation.OTHER)


def parse_date(value: str) -> datetime.date:
    value = value.split(" ")[0].strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("日期格式应为 2015-09-01。 Write dates as 2015-09-01."))


def person_name(value: str) -> str:
    """Chinese names carry no spaces: "张 小明" (typed to line up a column) is 张小明."""
    name = "".join(value.split())  # every kind of space, the full-width one too
    if len(name) > 50:
        raise ValueError(_("不能超过 %(n)d 个字符。 At most %(n)d characters.") % {"n": 50})
    return name


def parse_id(value: str) -> str:
    try:
        return normalise_id_number(value)
    except IdentityError as exc:
        raise ValueError(str(exc)) from None


def parse_mobile(value: str) -> str:
    try:
        return normalise_mobile(value)
    except IdentityError as exc:
        raise ValueError(str(exc)) from None


def _guardian_columns(
    n: int, *, extra_names: Sequence[str] = (), extra_relations: Sequence[str] = (), extra_mobiles: Sequence[str] = ()
) -> tuple[Column, ...]:
    prefixes = (f"监护人{n}", f"家长{n}", f"联系人{n}")
    return (
        Column(
            f"guardian{n}_name",
            f"监护人{n}姓名",
            aliases=(*extra_names, *(p + "姓名" for p in prefixes)),
            required=False,
            parse=person_name,
            default="",
        ),
        Column(
            f"guardian{n}_relation",
            f"监护人{n}关系",
            aliases=(*extra_relations, *(p + s for p in prefixes for s in ("与学生关系", "关系"))),
            required=False,
            parse=parse_relation,
            default=Relation.OTHER,
        ),
        Column(
            f"guardian{n}_mobile",
            f"监护人{n}手机号",
            aliases=(*extra_mobiles, *(p + s for p in prefixes for s in ("手机", "手机号码", "电话", "联系电话"))),
            required=False,
            parse=parse_mobile,
            default="",
        ),
    )


@register_spec
class RosterImport(ImportSpec):
    name = "roster"
    label = gettext_lazy("学生名册导入")
    description = gettext_lazy(
        "按班级导入本校学生及其监护人；身份证号和手机号加密保存。身份证号列请设为文本格式，"
        "否则Excel会丢失末几位。同一文件可含多个班级，表头可为两行（如“监护人1”下分姓名、关系、电话）。"
    )
    permission = "students.pupil.import"
    natural_key = ("id_number", "student_number", "class_name", "name", "date_of_birth")
    columns = (
        Column("class_name", "班级", aliases=("班级名称", "班别", "所在班级", "班"), parse=text(40)),
        Column("grade", "年级", aliases=("年级名称", "所在年级"), required=False, default=""),
        Column("name", "姓名", aliases=("学生姓名", "学生", "学生信息姓名"), parse=person_name),
        Column(
            "gender",
            "性别",
            aliases=("学生性别",),
            parse=choice([(Gender.MALE, ["男", "M", "Male"]), (Gender.FEMALE, ["女", "F", "Female"])]),
        ),
        Column(
            "date_of_birth", "出生日期", aliases=("出生年月", "出生年月日", "生日"), required=False, parse=parse_date
        ),
        Column(
            "student_number",
            "学号",
            aliases=("学籍号", "校内学号", "学生学号", "全国学籍号", "学籍号码"),
            required=False,
            parse=text(30),
            default="",
        ),
        Column(
            "id_number",
            "身份证号",
            aliases=("身份证件号", "证件号码", "身份证号码", "学生身份证号", "身份证"),
            required=False,
            parse=parse_id,
            default="",
            help_text=gettext_lazy("请设为文本格式"),
        ),
        *_guardian_columns(
            1,
            extra_names=("家长姓名", "监护人姓名", "监护人信息姓名", "家长信息姓名", "父母姓名"),
            extra_relations=("与学生关系", "关系", "家长关系", "监护人关系", "监护人信息关系", "家长信息关系"),
            extra_mobiles=(
                "手机号",
                "手机",
                "手机号码",
                "联系电话",
                "家长手机",
                "家长手机号",
                "家长电话",
                "家长联系电话",
                "监护人手机号",
                "监护人电话",
                "监护人联系电话",
                "监护人信息电话",
                "家长信息电话",
            ),
        ),
        *_guardian_columns(2),
    )

    def __init__(self, *, actor: Any, unit: Any) -> None:
        super().__init__(actor=actor, unit=unit)
        self._above: dict[str, str] = {}
        self._classes: dict[tuple[str, str], tuple[int, str] | None] = {}  # a school has tens of classes, not more

    # --- reading ----------------------------------------------------------------------------------
    def prepare_row(self, raw: dict[str, str]) -> dict[str, str] | None:
        if "计" in "".join(raw.values()) and is_total_line(raw):  # 合计/总计/小计/共计: one test for most rows
            return None
        for key in FILL_DOWN:  # a merged cell holds its value in the first row of the block only
            if key in raw:
                if raw[key]:
                    self._above[key] = raw[key]
                elif raw.get("name"):
                    raw[key] = self._above.get(key, "")
        return raw

    def validate_row(self, row: ParsedRow) -> Iterable[tuple[str | None, str]]:
        values = row.values
        if self.class_of(row) is None:
            yield (
                "class_name",
                _(
                    "无法识别班级所在年级，请写成“三年级（2）班”或填写年级列。"
                    " The grade of the class is unclear: write 三年级（2）班 or fill in the grade column."
                ),
            )
        id_number, birth = values.get("id_number"), values.get("date_of_birth")
        if id_number and birth and birth_date_of(id_number) != birth:
            yield "date_of_birth", _("出生日期与身份证号不一致。 The date of birth does not match the ID number.")
        for name, _relation, mobile in GUARDIAN_KEYS:
            if values.get(mobile) and not values.get(name):
                yield name, _("填写了手机号但缺少监护人姓名。 The guardian's name is missing.")

    def class_of(self, row: ParsedRow) -> tuple[int, str] | None:
        """(grade, class name) of a row: 三年级（2）班, or a grade column with 2 / (2)班 in the class column.
        Remembered per (class, grade) as written: every row asks, and a file names few classes."""
        written = (row.values["class_name"], row.values.get("grade") or "")
        if written not in self._classes:
            if len(self._classes) >= CLASS_CACHE:
                self._classes.clear()  # a file naming thousands of classes is wrong anyway: stay small
            self._classes[written] = read_class(*written)
        return self._classes[written]

    def keys_of(self, row: ParsedRow) -> list[tuple[int, tuple]]:
        """What no two rows may share, by kind: the ID number and the student number (each names one pupil of the
        school), or, for a row with neither, the class, name and date of birth."""
        values = row.values
        keys: list[tuple[int, tuple]] = []
        if values.get("id_number"):
            keys.append((ID_KEY, (values["id_number"],)))
        if values.get("student_number"):
            keys.append((NUMBER_KEY, (values["student_number"],)))
        if not keys:
            keys.append((CLASS_KEY, (self.class_of(row), values["name"], values.get("date_of_birth"))))
        return keys

    def validate_all(self, rows: Sequence[ParsedRow]) -> Iterable[RowError]:
        """A pupil named twice, or two rows with one student number. The keys wait in a scratch database rather
        than in memory, so a city's file costs no more memory than a school's (``core.tabular.scratch``)."""
        with KeyLedger() as ledger:
            for row in rows:
                for kind, key in self.keys_of(row):
                    ledger.add(key, row.number, kind)
            reported = 0
            for number, first, kind in ledger.repeats():
                if number == reported:
                    continue  # the same pupil again: one error is enough
                reported = number
                yield self._repeat_error(number, first, kind)

    def _repeat_error(self, number: int, first: int, kind: int) -> RowError:
        if kind == NUMBER_KEY:
            return RowError(
                number,
                self.header_of("student_number"),
                _("学号与第 %(first)d 行相同。 The same student number as row %(first)d.") % {"first": first},
            )
        return RowError(
            number,
            self.header_of("name"),
            _("与第 %(first)d 行是同一名学生。 The same pupil as row %(first)d.") % {"first": first},
        )

    # --- writing ----------------------------------------------------------------------------------
    def row_store(self) -> RowSpool:
        return RowSpool()

    def new_class(self, *, unit: Any, year: int, grade: int, name: str) -> SchoolClass:
        """A class the file names that the school does not have yet this school year (unsaved)."""
        number = _NUMBER_IN_NAME.search(name)
        school_class = SchoolClass(
            unit=unit, school_year=year, grade=grade, name=name, number=int(number.group(1)) if number else None
        )
        school_class.full_clean(validate_unique=False, validate_constraints=False)  # the writer adds new names only
        return school_class

    def apply(self, rows: Sequence[ParsedRow], *, actor: Any, unit: Any) -> ImportResult:
        return RosterWriter(spec=self, unit=unit, actor=actor, today=timezone.localdate()).write(rows)
