"""Writes of safety assets: register one or many, edit, record a check (also called by the inspections app:
``asset_record_check(*, actor, asset, checked_on, ok, note="") -> AssetCheck``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoan.core.errors import InvalidInput
from xiaoan.core.rules.services import get_rule
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope

from .models import AssetCheck, AssetStatus, SafetyAsset

EDITABLE = {
    "kind", "name", "location", "quantity", "serial", "installed_on", "check_cycle_days", "last_checked_on",
    "expires_on", "status", "note",
}  # fmt: skip


def default_cycle(kind: str, on: dt.date) -> int:
    return get_rule(f"assets.check_cycle.{kind}", on=on)


def _validate_dates(asset: SafetyAsset, today: dt.date) -> None:
    if asset.last_checked_on and asset.last_checked_on > today:
        raise ValidationError({"last_checked_on": _("检查日期不能晚于今天。 A check cannot be in the future.")})
    if asset.installed_on and asset.installed_on > today:
        raise ValidationError({"installed_on": _("安装日期不能晚于今天。 Installation cannot be in the future.")})


def _save(actor: Any, asset: SafetyAsset, today: dt.date) -> SafetyAsset:
    _validate_dates(asset, today)
    asset.schedule_check(today)
    asset.full_clean()
    asset.save()
    ensure_in_scope(actor, asset)
    return asset


@transaction.atomic
def asset_create(*, actor: Any, unit: Any, kind: str, location: str, today: dt.date | None = None, **fields: Any):
    """Register an asset of a school; the check cycle defaults to the rule for its kind."""
    today = today or timezone.localdate()
    ensure_in_scope(actor, unit)
    ensure_allowed(actor, "assets.safetyasset.create", unit)
    if not unit.is_school:
        raise InvalidInput(_("安全设施只能登记在学校。 Safety assets belong to a school."))
    unknown = set(fields) - EDITABLE
    if unknown:
        raise TypeError(f"asset_create() got unexpected fields: {sorted(unknown)}")
    if not fields.get("check_cycle_days"):
        fields["check_cycle_days"] = default_cycle(kind, today)
    return _save(actor, SafetyAsset(unit=unit, kind=kind, location=location, **fields), today)


@transaction.atomic
def asset_bulk_add(
    *,
    actor: Any,
    unit: Any,
    kind: str,
    rows: Sequence[tuple[str, int]],
    today: dt.date | None = None,
    **fields: Any,
) -> list[SafetyAsset]:
    """Register ``(location, quantity)`` rows of one kind at once (e.g. the extinguishers of every floor)."""
    if not rows:
        raise InvalidInput(_("请至少填写一行“位置 数量”。 Enter at least one location and quantity."))
    return [
        asset_create(actor=actor, unit=unit, kind=kind, location=location, quantity=quantity, today=today, **fields)
        for location, quantity in rows
    ]


@transaction.atomic
def asset_update(*, actor: Any, asset: SafetyAsset, today: dt.date | None = None, **fields: Any) -> SafetyAsset:
    today = today or timezone.localdate()
    ensure_in_scope(actor, asset)
    ensure_allowed(actor, "assets.safetyasset.change", asset)
    unknown = set(fields) - EDITABLE
    if unknown:
        raise TypeError(f"asset_update() got unexpected fields: {sorted(unknown)}")
    for key, value in fields.items():
        setattr(asset, key, value)
    return _save(actor, asset, today)


@transaction.atomic
def asset_record_check(
    *, actor: Any, asset: SafetyAsset, checked_on: dt.date, ok: bool, note: str = "", today: dt.date | None = None
) -> AssetCheck:
    """Record a check. A failed check marks the asset faulty; a passed one puts a faulty asset back in service."""
    today = today or timezone.localdate()
    ensure_in_scope(actor, asset)
    ensure_allowed(actor, "assets.safetyasset.check", asset)
    if asset.status == AssetStatus.RETIRED:
        raise InvalidInput(_("已报废的设施不再检查。 A retired asset is not checked."))
    if checked_on > today:
        raise ValidationError({"checked_on": _("检查日期不能晚于今天。 A check cannot be in the future.")})
    if not ok and not note.strip():
        raise ValidationError({"note": _("不合格时请写明问题。 Describe what failed.")})
    check = AssetCheck(asset=asset, checked_on=checked_on, checked_by=actor, ok=ok, note=note.strip())
    check.full_clean()
    check.save()
    if asset.last_checked_on is None or checked_on >= asset.last_checked_on:  # a late entry of an older check
        asset.last_checked_on = checked_on  # changes neither the date nor the status
        asset.status = AssetStatus.IN_SERVICE if ok else AssetStatus.FAULTY
        _save(actor, asset, today)
    return check
