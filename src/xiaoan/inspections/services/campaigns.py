"""Special campaigns (专项整治): launched by a bureau, answered by the schools it covers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xiaoan.core.errors import InvalidInput
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope

from ..models import (
    Campaign,
    ChecklistTemplate,
)
from .base import _actor_unit

# --- campaigns -------------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    title: str,
    topic: str,
    template: ChecklistTemplate,
    starts_on: dt.date,
    ends_on: dt.date,
    stages: Iterable[str] = (),
    requirements: str = "",
) -> Campaign:
    ensure_allowed(actor, "inspections.campaign.create")
    visible = ChecklistTemplate.objects.for_user(actor).filter(pk=template.pk, is_active=True).exists()
    if not visible:
        raise InvalidInput(_("请选择可用的检查表。 Choose an available checklist."))
    if ends_on < starts_on:
        raise InvalidInput(_("截止日期不能早于开始日期。 The end cannot be before the start."))
    campaign = Campaign(
        owner=_actor_unit(actor),
        title=title.strip(),
        topic=topic,
        template=template,
        stages=list(stages),
        starts_on=starts_on,
        ends_on=ends_on,
        requirements=requirements.strip(),
        created_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    ensure_in_scope(actor, campaign)
    return campaign
