"""Grades and school years: 1–12 for 小学一年级…高三, kindergarten years 小班/中班/大班 as -2/-1/0."""

from __future__ import annotations

import datetime
import re

from django.utils import translation
from django.utils.translation import gettext_lazy as _

MIN_GRADE = -2
MAX_GRADE = 12
SCHOOL_YEAR_START_MONTH = 8  # a school year starts in August/September; 2026 = the year 2026—2027

GRADE_CHOICES = [
    (-2, _("小班")),
    (-1, _("中班")),
    (0, _("大班")),
    (1, _("一年级")),
    (2, _("二年级")),
    (3, _("三年级")),
    (4, _("四年级")),
    (5, _("五年级")),
    (6, _("六年级")),
    (7, _("七年级")),
    (8, _("八年级")),
    (9, _("九年级")),
    (10, _("高一")),
    (11, _("高二")),
    (12, _("高三")),
]
GRADE_LABELS = dict(GRADE_CHOICES)

# How a spreadsheet may write a grade: 三年级, 3年级, 初一, 高二, 大班 …
_GRADE_WORDS = {
    "小班": -2,
    "中班": -1,
    "大班": 0,
    "初一": 7,
    "初二": 8,
    "初三": 9,
    "高一": 10,
    "高二": 11,
    "高三": 12,
    "一年级": 1,
    "二年级": 2,
    "三年级": 3,
    "四年级": 4,
    "五年级": 5,
    "六年级": 6,
    "七年级": 7,
    "八年级": 8,
    "九年级": 9,
}
_DIGIT_GRADE = re.compile(r"^(\d{1,2})年级")

# The last grade of each stage: pupils of that grade graduate at the year-end promotion.
FINAL_GRADE = {
    "kindergarten": 0,
    "primary": 6,
    "junior": 9,
    "nine_year": 9,
    "special": 9,
    "senior": 12,
    "complete": 12,
    "vocational": 12,
}


def grade_label(grade: int) -> str:
    return str(GRADE_LABELS.get(grade, grade))


def parse_grade(text: str) -> int | None:
    """The grade a class or grade cell names, or None."""
    text = (text or "").strip()
    for word, grade in _GRADE_WORDS.items():
        if text.startswith(word):
            return grade
    match = _DIGIT_GRADE.match(text)
    if match and 1 <= int(match.group(1)) <= MAX_GRADE:
        return int(match.group(1))
    return None


def final_grade(stage: str) -> int:
    return FINAL_GRADE.get(stage, MAX_GRADE)


def school_year_of(day: datetime.date) -> int:
    return day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1


def class_name(grade: int, number: int | None) -> str:
    """三年级（2）班 — the usual way schools name a class."""
    with translation.override("zh-hans"):  # stored data, not a page string: always the Chinese name
        label = grade_label(grade)
    return label if number is None else f"{label}（{number}）班"
