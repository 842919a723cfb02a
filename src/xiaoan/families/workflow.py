"""States of a letter: draft → publishing (a job fans it out) → published → archived (after the deadline)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoan.core.workflow.engine import Transition, Workflow

from .models import Letter, LetterState

State = LetterState


def _deadline_passed(letter: Letter, actor: Any) -> Any:
    if letter.deadline >= timezone.localdate():
        return _("回执截止日期之后才能归档。 A letter is archived after its deadline.")
    return None


LETTER_WORKFLOW = Workflow(
    transitions=[
        Transition("publish", frozenset({State.DRAFT}), State.PUBLISHING, _("发布"), "families.letter.publish"),
        Transition("complete", frozenset({State.PUBLISHING}), State.PUBLISHED, _("发布完成")),
        Transition("fail", frozenset({State.PUBLISHING}), State.DRAFT, _("发布未完成，退回草稿")),
        Transition(
            "archive",
            frozenset({State.PUBLISHED}),
            State.ARCHIVED,
            _("归档"),
            "families.letter.archive",
            guard=_deadline_passed,
        ),
    ]
)
