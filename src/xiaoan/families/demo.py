"""Demo data: one published drowning-prevention letter of the city bureau, with about 60% of receipts confirmed.

Set-based at every scale (the same fan-out as a real publication, then two UPDATEs), so the city scale costs
seconds, not a loop over pupils. No SMS is queued for demo families.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from xiaoan.orgs.models import Membership, Unit
from xiaoan.orgs.roles import Role, UnitKind
from xiaoan.students.models import Pupil

from .letter_templates import DROWNING
from .markup import render_body
from .models import Channel, Letter, LetterState, Receipt, ReceiptState, ReceiptTally
from .publishing import publish

REASON = "seeding the demo city"


def seed(*, scale: str = "demo", seed: int = 2026) -> Letter | None:
    root = Unit.objects.system(REASON).filter(kind=UnitKind.CITY_BUREAU).first()
    if root is None or not Pupil.objects.system(REASON).filter(unit__path__startswith=root.path).exists():
        return None
    author = (
        Membership.objects.system(REASON).filter(unit=root, role=Role.SAFETY_OFFICER).select_related("user").first()
    )
    today = timezone.localdate()
    letter = Letter.objects.create(
        unit=root,
        title=DROWNING.title,
        body=DROWNING.body,
        body_html=render_body(DROWNING.body),
        items=list(DROWNING.items),
        deadline=today + dt.timedelta(days=14),
        template_key=DROWNING.key,
        state=LetterState.PUBLISHING,
        created_by=author.user if author else None,
    )
    letter = publish(letter.pk, deliver=False)
    _confirm_share(letter, seed)
    return letter


def _confirm_share(letter: Letter, seed: int) -> None:
    """About 60%: five in ten receipts by link, one in ten on paper (deterministic for the seed)."""
    now = timezone.now()
    receipts: Any = Receipt.objects.system(REASON).filter(letter=letter).annotate(slot=(F("pk") + seed) % 10)
    receipts.filter(slot__lt=5).update(state=ReceiptState.CONFIRMED, channel=Channel.LINK, confirmed_at=now)
    receipts.filter(slot=5).update(state=ReceiptState.CONFIRMED, channel=Channel.PAPER, confirmed_at=now)
    confirmed = (
        Receipt.objects.system(REASON)
        .filter(letter=letter, school_class=OuterRef("school_class"))
        .values("school_class")
        .annotate(n=Count("pk", filter=Q(state=ReceiptState.CONFIRMED)))
        .values("n")
    )
    ReceiptTally.objects.system(REASON).filter(letter=letter).update(confirmed=Subquery(confirmed))
