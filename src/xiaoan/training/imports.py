"""Import of training attendees (参训人员导入): one row per person, into a session named by its number.

Rows are matched to a person already on the session (by account user name, or by name + identity number)
and then only their certificate changes, so importing the same file twice adds nobody twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xiaoan.core.scoping import ensure_allowed
from xiaoan.core.tabular.columns import Column, text
from xiaoan.core.tabular.spec import ImportResult, ImportSpec, ParsedRow

from . import services
from .models import TrainingSession


def session_number(value: str) -> int:
    digits = value.strip().upper().removeprefix("PX")
    if not digits.isdigit():
        raise ValueError(_("场次编号应形如 PX000123（见培训场次页面）。 Write the number shown on the session page."))
    return int(digits)


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(_("日期应写成 2027-06-30。 Write the date as 2027-06-30.")) from None


class AttendeeImport(ImportSpec):
    name = "training_attendees"
    label = gettext_lazy("参训人员导入")
    description = gettext_lazy("按场次编号把参训人员加入培训场次；已在名单中的人员只更新证书信息。")
    permission = "training.trainingrecord.import"
    natural_key = ("session", "name", "id_number")
    columns = (
        Column(
            "session",
            "场次编号",
            aliases=("培训场次编号", "场次"),
            parse=session_number,
            help_text=gettext_lazy("如 PX000123"),
        ),
        Column("name", "姓名", parse=text(50)),
        Column(
            "id_number",
            "证件号/工号",
            aliases=("证件号", "工号", "身份证号"),
            required=False,
            default="",
            parse=text(32),
        ),
        Column("certificate_no", "证书编号", aliases=("证书号",), required=False, default="", parse=text(50)),
        Column(
            "certificate_expiry",
            "证书有效期至",
            aliases=("有效期至", "证书有效期"),
            required=False,
            default=None,
            parse=iso_date,
        ),
    )

    def __init__(self, *, actor: Any, unit: Any) -> None:
        super().__init__(actor=actor, unit=unit)
        self._sessions: dict[int, TrainingSession] = {}

    def session(self, pk: int) -> TrainingSession | None:
        if pk not in self._sessions:
            found = TrainingSession.objects.for_user(self.actor, "change").filter(pk=pk).select_related("unit").first()
            if found is None:
                return None
            self._sessions[pk] = found
        return self._sessions[pk]

    def validate_row(self, row: ParsedRow) -> Iterable[tuple[str | None, str]]:
        if self.session(row["session"]) is None:
            yield "session", _("场次不存在或不在您的管辖范围内。 Unknown session, or outside your part of the tree.")
        if row.get("certificate_expiry") and not row.get("certificate_no"):
            yield "certificate_no", _("填写了证书有效期，请同时填写证书编号。 A certificate expiry needs a number.")

    def apply(self, rows: Sequence[ParsedRow], *, actor: Any, unit: Any) -> ImportResult:
        result = ImportResult()
        by_session: dict[int, list[services.Attendee]] = {}
        for row in rows:
            attendee = services.Attendee(
                name=row["name"],
                id_number=row.get("id_number") or "",
                certificate_no=row.get("certificate_no") or "",
                certificate_expiry=row.get("certificate_expiry"),
            )
            by_session.setdefault(row["session"], []).append(attendee)
        for pk, people in by_session.items():
            session = self.session(pk)
            assert session is not None  # validated above
            ensure_allowed(actor, "training.trainingsession.change", session)
            added, updated = services.attendees_add(actor=actor, session=session, people=people)
            result.created += added
            result.updated += updated
            result.unchanged += len(people) - added - updated
        return result
