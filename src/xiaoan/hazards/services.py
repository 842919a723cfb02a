"""Every write on hazards: reporting (staff and anonymous), the workflow steps, and 挂牌督办."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xiaoan.core.errors import Conflict, InvalidInput, TransitionNotAllowed
from xiaoan.core.rules.services import get_rule
from xiaoan.core.scoping import ensure_allowed, ensure_in_scope
from xiaoan.core.tasks import enqueue
from xiaoan.orgs.models import Membership, Unit
from xiaoan.orgs.policy import active_membership

from .models import (
    OPEN_STATES,
    Category,
    Grade,
    Hazard,
    HazardPhoto,
    ReportPoint,
    Source,
    State,
    Supervision,
    SupervisionReport,
)
from .photos import store_photos
from .workflow import FORM_TRANSITIONS, HAZARD_WORKFLOW

# no look-alikes (0/O, 1/I/L): a code read aloud on the phone or copied from a screenshot survives
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TRACKING_LENGTH = 12
MAJOR_PLAN_FIELDS = ("goal", "organisation", "materials", "safety_measures", "contingency_plan")


def field_label(name: str) -> str:
    return str(getattr(Hazard._meta.get_field(name), "verbose_name", name))


def _number_hazard(hazard: Hazard) -> None:
    """``YH-2026-000123``: the year of the report and the row id, so no counter row is contended."""
    hazard.number = f"YH-{timezone.localtime(hazard.reported_at):%Y}-{hazard.pk:06d}"
    Hazard.objects.system("numbering a hazard just inserted").filter(pk=hazard.pk).update(number=hazard.number)


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(TRACKING_LENGTH))


def normalise_tracking_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


@transaction.atomic
def hazard_report(
    *,
    actor: Any,
    unit: Unit,
    category: str,
    place: str,
    description: str,
    photos: Sequence[UploadedFile] = (),
    source: str = "staff",
    inspection_item: Any = None,
    campaign: Any = None,
) -> Hazard:
    """Register a hazard at ``unit`` (登记), with before-photos; the unit's safety officers and leaders are told."""
    ensure_in_scope(actor, unit)
    ensure_allowed(actor, "hazards.hazard.report", unit)
    if source == Source.STAFF and inspection_item is not None:
        source = Source.INSPECTION
    if source == Source.STAFF and campaign is not None:
        source = Source.CAMPAIGN
    linked = inspection_item if inspection_item is not None else campaign
    hazard = Hazard(
        unit=unit,
        unit_path=unit.path,
        category=category,
        place=(place or "").strip(),
        description=(description or "").strip(),
        source=source,
        source_kind=linked._meta.label_lower if linked is not None else "",
        source_id=linked.pk if linked is not None else None,
        campaign_ref=campaign.pk if campaign is not None else None,
        reported_by=actor,
    )
    hazard.full_clean()
    hazard.save()
    _number_hazard(hazard)
    _add_photos(hazard, photos, HazardPhoto.Stage.BEFORE, actor)
    ensure_in_scope(actor, hazard)
    enqueue("xiaoan.hazards.notices.tell_handlers_of_report", hazard.pk)
    return hazard


def _add_photos(hazard: Hazard, photos: Sequence[Any], stage: str, actor: Any, max_bytes: int = 0) -> None:
    label = HazardPhoto.Stage(stage).label
    attachments = store_photos(
        owner=hazard, uploads=photos, uploaded_by=actor, description=str(label), max_bytes=max_bytes
    )
    HazardPhoto.objects.bulk_create([HazardPhoto(attachment=a, hazard=hazard, stage=stage) for a in attachments])


@transaction.atomic
def report_point_for(*, actor: Any, unit: Unit) -> ReportPoint:
    """The school's 随手拍 QR point, created on first use with a random token (not derived from the id)."""
    ensure_in_scope(actor, unit)
    ensure_allowed(actor, "hazards.hazard.poster", unit)
    if not unit.is_school:
        raise InvalidInput(_("随手拍二维码只为学校生成。 QR report points are for schools."))
    point, _created = ReportPoint.objects.get_or_create(
        unit=unit, defaults={"unit_path": unit.path, "token": secrets.token_urlsafe(24)}
    )
    return point


def public_report(
    *, point: ReportPoint, place: str, description: str, photos: Sequence[Any] = (), phone: str = "", nonce: str
) -> Hazard:
    """An anonymous report through a school's QR point: one insert; the same form sent twice gives one hazard."""
    max_bytes = int(get_rule("hazards.public_photo_max_kb")) * 1024
    hazard = Hazard(
        unit_id=point.unit_id,
        unit_path=point.unit_path,
        category=Category.OTHER,
        place=place.strip(),
        description=description.strip(),
        source=Source.ANONYMOUS,
        tracking_code=new_tracking_code(),
        submission_nonce=nonce,
        reporter_phone=phone.strip(),
    )
    hazard.full_clean(exclude=["unit"], validate_unique=False, validate_constraints=False)
    if not photos and connection.vendor == "postgresql":
        from .public_insert import insert_anonymous

        if insert_anonymous(hazard):  # one prepared statement: hazard, number and audit entry
            return hazard
        return Hazard.objects.system("the report this form already made").get(submission_nonce=nonce)
    try:
        with transaction.atomic():
            hazard.save()
            _number_hazard(hazard)
            _add_photos(hazard, photos, HazardPhoto.Stage.BEFORE, None, max_bytes=max_bytes)
    except IntegrityError:
        existing = Hazard.objects.system("the report this form already made").filter(submission_nonce=nonce).first()
        if existing is None:
            raise
        return existing
    return hazard


def hazard_by_tracking_code(code: str) -> Hazard | None:
    code = normalise_tracking_code(code)
    if len(code) != TRACKING_LENGTH:
        return None
    return Hazard.objects.system("an anonymous reporter's own report").filter(tracking_code=code).first()


# --- workflow ---------------------------------------------------------------------------------------


def _fire(hazard: Hazard, name: str, *, actor: Any, comment: str = "", changes: dict[str, Any] | None = None) -> Hazard:
    ensure_in_scope(actor, hazard)
    HAZARD_WORKFLOW.fire(hazard, name, actor=actor, comment=comment.strip(), changes=changes)
    ensure_in_scope(actor, hazard)
    return hazard


@transaction.atomic
def hazard_grade(*, actor: Any, hazard: Hazard, grade: str, category: str = "", comment: str = "") -> Hazard:
    """评估定级: 一般 or 重大 (an anonymous report's category is set here too)."""
    if grade not in Grade.values:
        raise InvalidInput(_("请选择隐患等级。 Choose a grade."))
    changes: dict[str, Any] = {"grade": grade, "graded_at": timezone.now()}
    if category:
        if category not in Category.values:
            raise InvalidInput(_("类别无效。 Unknown category."))
        changes["category"] = category
    return _fire(hazard, "grade", actor=actor, comment=comment, changes=changes)


@transaction.atomic
def hazard_assign(
    *,
    actor: Any,
    hazard: Hazard,
    responsible: Any,
    responsible_post: str,
    measures: str,
    deadline: dt.date,
    funds: Decimal | None = None,
    goal: str = "",
    organisation: str = "",
    materials: str = "",
    safety_measures: str = "",
    contingency_plan: str = "",
    comment: str = "",
    today: dt.date | None = None,
) -> Hazard:
    """下达整改: responsible person, measures, funds, deadline; a major hazard needs the whole plan (五落实)."""
    today = today or timezone.localdate()
    plan = {
        "goal": goal.strip(),
        "organisation": organisation.strip(),
        "materials": materials.strip(),
        "safety_measures": safety_measures.strip(),
        "contingency_plan": contingency_plan.strip(),
    }
    missing = []
    if responsible is None:
        missing.append(field_label("responsible"))
    if not measures.strip():
        missing.append(field_label("measures"))
    if deadline is None:
        missing.append(field_label("deadline"))
    if hazard.grade == Grade.MAJOR:
        if funds is None:
            missing.append(field_label("funds"))
        missing += [field_label(name) for name in MAJOR_PLAN_FIELDS if not plan[name]]
    if missing:
        raise InvalidInput(
            _("整改方案不完整，缺少：%(fields)s。 The rectification plan is incomplete.")
            % {"fields": "、".join(missing)}
        )
    if deadline < today:
        raise InvalidInput(_("整改期限不能早于今天。 The deadline cannot be in the past."))
    if funds is not None and funds < 0:
        raise InvalidInput(_("整改资金不能为负数。 Funds cannot be negative."))
    works_there = (
        Membership.objects.system("is the responsible person a member of the hazard's unit")
        .filter(user=responsible, unit_id=hazard.unit_id, is_active=True)
        .exists()
    )
    if not works_there:
        raise InvalidInput(_("整改责任人必须是隐患所在单位的人员。 The responsible person must work at the unit."))
    changes = {
        "responsible": responsible,
        "responsible_post": responsible_post.strip(),
        "measures": measures.strip(),
        "funds": funds,
        "deadline": deadline,
        "rectification_started_at": timezone.now(),
        **plan,
    }
    return _fire(hazard, "assign", actor=actor, comment=comment, changes=changes)


@transaction.atomic
def hazard_request_acceptance(*, actor: Any, hazard: Hazard, photos: Sequence[Any], comment: str = "") -> Hazard:
    """申请验收: the rectification is done; after-photos are required as evidence."""
    if not photos:
        raise InvalidInput(_("申请验收须上传整改后照片。 After-photos are required to request acceptance."))
    _fire(
        hazard, "request_acceptance", actor=actor, comment=comment, changes={"acceptance_requested_at": timezone.now()}
    )
    _add_photos(hazard, photos, HazardPhoto.Stage.AFTER, actor)
    return hazard


@transaction.atomic
def hazard_transition(*, actor: Any, hazard: Hazard, name: str, comment: str = "") -> Hazard:
    """The steps that take only a comment: 不构成隐患, 验收通过, 退回, 销号 (and their supervised forms)."""
    if name in FORM_TRANSITIONS:
        raise TransitionNotAllowed(_("此操作需要填写表单。 This step needs its form."))
    now = timezone.now()
    changes: dict[str, Any] = {}
    if name in ("accept", "accept_supervised"):
        changes = {"accepted_at": now}
    elif name in ("close", "close_supervised"):
        changes = {"closed_at": now}
    elif name in ("return", "return_supervised"):
        changes = {"acceptance_requested_at": None}
    elif name == "reject":
        changes = {"closed_at": now}
    _fire(hazard, name, actor=actor, comment=comment, changes=changes)
    if name == "close_supervised":
        Supervision.objects.system("closing the supervision of a hazard closed by its supervising unit").filter(
            hazard=hazard, status=Supervision.Status.OPEN
        ).update(status=Supervision.Status.CLOSED, closed_at=now)
    return hazard


# --- 挂牌督办 ----------------------------------------------------------------------------------------


@transaction.atomic
def supervision_open(
    *,
    actor: Any,
    hazard: Hazard,
    leader: Any,
    deadline: dt.date,
    required_reports: str,
    today: dt.date | None = None,
) -> Supervision:
    """List an overdue or major hazard of a unit below the actor's bureau for supervision."""
    today = today or timezone.localdate()
    ensure_in_scope(actor, hazard)
    ensure_allowed(actor, "hazards.supervision.create", hazard)
    unit = active_membership(actor).unit
    if hazard.unit_id == unit.pk:
        raise TransitionNotAllowed(
            _("挂牌督办由上级单位对下级单位的隐患进行。 Supervision is by a unit above the hazard's unit.")
        )
    if hazard.state not in OPEN_STATES or hazard.state == State.ACCEPTED:
        raise TransitionNotAllowed(_("只能督办尚未整改完成的隐患。 Only open hazards can be listed."))
    if not (hazard.grade == Grade.MAJOR or hazard.is_overdue_on(today)):
        raise TransitionNotAllowed(
            _("只能督办重大隐患或逾期未整改的隐患。 Only major or overdue hazards can be listed.")
        )
    if hazard.is_supervised:
        raise Conflict(_("该隐患已挂牌督办。 This hazard is already under supervision."))
    if deadline is None or deadline < today:
        raise InvalidInput(_("督办期限不能早于今天。 The deadline cannot be in the past."))
    if not required_reports.strip():
        raise InvalidInput(_("请填写报告要求。 State the required reports."))
    leads_here = (
        Membership.objects.system("is the supervising leader a member of the supervising unit")
        .filter(user=leader, unit=unit, is_active=True)
        .exists()
    )
    if not leads_here:
        raise InvalidInput(_("督办领导必须是本单位人员。 The supervising leader must belong to your unit."))
    supervision = Supervision(
        hazard=hazard,
        supervising_unit=unit,
        leader=leader,
        deadline=deadline,
        required_reports=required_reports.strip(),
        created_by=actor,
    )
    supervision.full_clean()
    updated = (
        Hazard.objects.system("flagging a hazard in scope as supervised")
        .filter(pk=hazard.pk, is_supervised=False)
        .update(is_supervised=True)
    )
    if updated != 1:
        raise Conflict(_("该隐患已挂牌督办。 This hazard is already under supervision."))
    supervision.save()
    hazard.is_supervised = True
    ensure_in_scope(actor, supervision)
    enqueue("xiaoan.hazards.notices.tell_of_supervision", supervision.pk)
    return supervision


@transaction.atomic
def supervision_report_add(
    *, actor: Any, supervision: Supervision, text: str, photos: Sequence[Any] = ()
) -> SupervisionReport:
    """The supervised unit reports progress (text and photos) to the supervising unit."""
    ensure_in_scope(actor, supervision)
    ensure_allowed(actor, "hazards.supervisionreport.create", supervision)
    membership = active_membership(actor)
    if membership.unit_id != supervision.hazard.unit_id:
        raise TransitionNotAllowed(_("进展由被督办单位报告。 Progress is reported by the supervised unit."))
    if supervision.status != Supervision.Status.OPEN:
        raise TransitionNotAllowed(_("督办已销号。 This supervision is closed."))
    if not text.strip():
        raise InvalidInput(_("请填写进展情况。 Describe the progress."))
    report = SupervisionReport(supervision=supervision, text=text.strip(), created_by=actor)
    report.full_clean()
    report.save()
    store_photos(owner=report, uploads=photos, uploaded_by=actor, description=_("督办进展"))
    enqueue("xiaoan.hazards.notices.tell_of_progress", report.pk)
    return report
