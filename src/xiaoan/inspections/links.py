"""Where inspections meet the other modules: failed items become hazards (``xiaoan.hazards``), fire checks
record the school's safety assets (``xiaoan.assets``). Both are used only through their services and
selectors; an installation without one of them simply skips that step."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping
from types import ModuleType
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count

from xiaoan.core.attachments.models import Attachment

from .models import Answer, Inspection


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


def hazards_available() -> bool:
    services = _module("xiaoan.hazards.services")
    return services is not None and hasattr(services, "hazard_report")


def assets_available() -> bool:
    services = _module("xiaoan.assets.services")
    return services is not None and hasattr(services, "asset_record_check")


def answer_photos(answers: Any) -> dict[int, list[Attachment]]:
    """The photos of many answers in one query, by answer id."""
    content_type = ContentType.objects.get_for_model(Answer)
    ids = [answer.pk for answer in answers]
    photos: dict[int, list[Attachment]] = {pk: [] for pk in ids}
    for attachment in Attachment.objects.filter(content_type=content_type, object_id__in=ids).order_by("pk"):
        photos[attachment.object_id].append(attachment)
    return photos


def photo_counts(inspection: Inspection) -> Mapping[int, int]:
    content_type = ContentType.objects.get_for_model(Answer)
    answer_ids = inspection.answers.values("pk")
    rows = (
        Attachment.objects.filter(content_type=content_type, object_id__in=answer_ids)
        .order_by()
        .values("object_id")
        .annotate(n=Count("pk"))
    )
    return {row["object_id"]: row["n"] for row in rows}


def _photo_uploads(answer: Answer) -> list[SimpleUploadedFile]:
    uploads = []
    for attachment in answer_photos([answer])[answer.pk]:
        if attachment.is_image:
            with attachment.file.open("rb") as stored:
                uploads.append(
                    SimpleUploadedFile(attachment.original_name, stored.read(), attachment.content_type_sniffed)
                )
    return uploads


def hazard_category(answer: Answer) -> str:
    item = answer.item
    return item.hazard_category or item.section.hazard_category or answer.inspection.version.template.hazard_category


def report_hazard(*, actor: Any, inspection: Inspection, answer: Answer) -> int | None:
    """Report a failed item as a hazard of the school (tagged with the campaign, if any); its id, or None."""
    if not hazards_available():
        return None
    from xiaoan.hazards.services import hazard_report

    item = answer.item
    description = item.text if not answer.note else f"{item.text}：{answer.note}"
    if item.answer_type == "number" and answer.number is not None:
        description = f"{description}（{answer.number}{item.unit_label}）"
    campaign = inspection.campaign
    hazard = hazard_report(
        actor=actor,
        unit=inspection.school,
        category=hazard_category(answer),
        place=(answer.place or item.section.title)[:100],
        description=description,
        photos=_photo_uploads(answer),
        source="campaign" if campaign is not None else "inspection",
        inspection_item=answer,
        campaign=campaign,
    )
    return hazard.pk


def hazards_by_id(user: Any, ids: list[int]) -> dict[int, Any]:
    """The hazards (in the user's scope) generated from answers, by id, for links and states."""
    if not ids or not hazards_available():
        return {}
    from xiaoan.hazards.models import Hazard

    return {hazard.pk: hazard for hazard in Hazard.objects.for_user(user).filter(pk__in=ids)}


FIRE_ASSET_KINDS = ("extinguisher", "hydrant", "emergency_light", "exit_sign", "fire_alarm")


def school_assets(user: Any, school: Any) -> list[Any]:
    """The school's in-service fire assets to check in a fire-facility inspection — when the user may record
    asset checks (empty without the assets app)."""
    if not assets_available():
        return []
    from xiaoan.assets.selectors import assets_for_check
    from xiaoan.core.scoping import get_policy

    if not get_policy().allows(user, "assets.safetyasset.check", path=school.path):
        return []
    return list(assets_for_check(school, FIRE_ASSET_KINDS, user=user))


def record_asset_checks(*, actor: Any, inspection: Inspection, checked_on: dt.date) -> int:
    """One asset check per asset answered in the inspection; the number recorded."""
    if not assets_available():
        return 0
    from xiaoan.assets.services import asset_record_check

    recorded = 0
    assets = {asset.pk: asset for asset in school_assets(actor, inspection.school)}
    for key, result in inspection.asset_results.items():
        asset = assets.get(int(key))
        if asset is None or result.get("ok") is None:
            continue
        note = str(result.get("note") or "")
        asset_record_check(actor=actor, asset=asset, checked_on=checked_on, ok=bool(result["ok"]), note=note)
        recorded += 1
    return recorded


def fire_hazard_rows(user: Any, school: Any, since: dt.datetime, until: dt.datetime) -> list[list[Any]]:
    """Fire hazards of the school reported in the window, or earlier and still open in it."""
    if not hazards_available():
        return []
    from django.db.models import Q
    from django.utils import timezone

    from xiaoan.hazards.models import Hazard

    hazards = (
        Hazard.objects.for_user(user)
        .filter(unit=school, category="fire", reported_at__lt=until)
        .filter(Q(reported_at__gte=since) | Q(closed_at__isnull=True) | Q(closed_at__gte=since))
        .order_by("reported_at", "pk")
    )
    return [
        [
            hazard.number or "",
            timezone.localtime(hazard.reported_at),
            hazard.place,
            hazard.description,
            hazard.get_grade_display() if hazard.grade else "",
            hazard.get_state_display(),
            hazard.deadline,
            timezone.localtime(hazard.closed_at) if hazard.closed_at else None,
        ]
        for hazard in hazards
    ]


def asset_check_rows(user: Any, school: Any, start: dt.date, end: dt.date) -> list[list[Any]]:
    """The school's asset checks in the window (date, asset, kind, place, ok, note); empty without assets."""
    if not assets_available():
        return []
    from django.utils.translation import gettext as _

    from xiaoan.assets.models import AssetCheck

    checks = (
        AssetCheck.objects.for_user(user)
        .filter(asset__unit=school, checked_on__gte=start, checked_on__lte=end)
        .select_related("asset")
        .order_by("checked_on", "pk")
    )
    return [
        [
            check.checked_on,
            check.asset.name or check.asset.get_kind_display(),
            check.asset.get_kind_display(),
            check.asset.location,
            _("合格") if check.ok else _("不合格"),
            check.note,
        ]
        for check in checks
    ]
