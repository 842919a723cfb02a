"""Target builders for the authorization matrix: each puts one object in county A and returns the URL kwargs.

Objects sit at school A1 (宛城区第一小学) unless the route concerns a bureau (a campaign, a county-owned
checklist); they are built with each module's own ``testing`` helpers or services, so a target is what a real
user would have produced.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from xiaoan.orgs.roles import Role
from xiaoan.orgs.testing import City, make_person

REASON = "security matrix fixture"

# Extra personas on top of the ``city`` fixture: a school safety officer, a principal of the sibling school in
# county A (other school, same county) and counterparts in county B (other county).
EXTRA_PERSONAS = {
    "school_officer": ("school_a1", Role.SAFETY_OFFICER),
    "sibling_principal": ("kindergarten_a2", Role.LEADER),
    "b_principal": ("school_b1", Role.LEADER),
    "b_school_officer": ("school_b1", Role.SAFETY_OFFICER),
    "b_school_admin": ("school_b1", Role.UNIT_ADMIN),
    "b_teacher": ("school_b1", Role.STAFF),
}


def add_personas(city: City) -> City:
    for username, (unit_attr, role) in EXTRA_PERSONAS.items():
        if username not in city.people:
            city.people[username] = make_person(username, getattr(city, unit_attr), role)
    return city


def today() -> dt.date:
    return timezone.localdate()


# --- orgs and accounts -----------------------------------------------------------------------------------
def school(city: City) -> dict[str, Any]:
    return {"pk": city.school_a1.pk}


def teacher_person(city: City) -> dict[str, Any]:
    return {"pk": city.teacher.pk}


def teacher_membership(city: City) -> dict[str, Any]:
    return {"pk": city.teacher.active_membership_id}


def own_token(city: City) -> dict[str, Any]:
    """A token of the ``county_a_officer`` persona (the allowed persona of the route)."""
    from xiaoan.accounts.services import token_create

    user = city.county_a_officer
    token, _plaintext = token_create(user=user, membership=user.active_membership, name="巡检系统")
    return {"pk": token.pk}


def own_notification(city: City) -> dict[str, Any]:
    from xiaoan.core.notifications.models import Notification

    note = Notification.objects.create(recipient=city.county_a_officer, event="test", title="提醒", url="/")
    return {"pk": note.pk}


def spec_name(city: City) -> dict[str, Any]:
    return {"spec_name": "schools"}


def import_job(city: City, **fields: Any) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    from xiaoan.core.tabular.models import ImportJob

    job = ImportJob(spec_name="schools", unit=city.county_a, actor=city.county_a_admin, original_name="学校.xlsx")
    job.upload.save("学校.xlsx", ContentFile(b"PK"), save=False)
    for name, value in fields.items():
        setattr(job, name, value)
    job.save()
    return {"pk": job.pk}


def finished_job(city: City) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    from xiaoan.core.tabular.models import ImportJob

    kwargs = import_job(city, state=ImportJob.State.FAILED, error_count=1)
    job = ImportJob.objects.system(REASON).get(pk=kwargs["pk"])
    job.error_file.save("errors.xlsx", ContentFile(b"PK"), save=False)
    job.result_file.save("result.xlsx", ContentFile(b"PK"), save=True)
    return kwargs


def rule_key(city: City) -> dict[str, Any]:
    from xiaoan.core.rules.registry import RULES

    return {"key": sorted(RULES)[0]}


def obligation(city: City) -> dict[str, Any]:
    from xiaoan.compliance.obligations import OBLIGATIONS

    return {"obligation_id": sorted(OBLIGATIONS)[0]}


# --- attachments: a photo on a hazard of school A1 ------------------------------------------------------
def attachment(city: City) -> dict[str, Any]:
    from xiaoan.core.attachments.models import Attachment
    from xiaoan.hazards.testing import photo, report

    report(city, photos=[photo()])
    return {"pk": Attachment.objects.order_by("-pk").values_list("pk", flat=True).first()}


def drill_attachment(city: City) -> dict[str, Any]:
    """A file on a drill of school A1 (removable through the files panel by the school's managers)."""
    from xiaoan.core.attachments.models import Attachment
    from xiaoan.core.attachments.services import attachment_add
    from xiaoan.drills.models import Drill
    from xiaoan.hazards.testing import photo

    target = Drill.objects.system(REASON).get(pk=drill(city)["pk"])
    attachment_add(actor=city.principal, owner=target, upload=photo())
    return {"pk": Attachment.objects.order_by("-pk").values_list("pk", flat=True).first()}


# --- domain modules -------------------------------------------------------------------------------------
def risk_point(city: City) -> dict[str, Any]:
    from xiaoan.risks.testing import make_risk_point

    return {"pk": make_risk_point(city.school_a1).pk}


def hazard(state: str = "reported", **extra: Any):
    def build(city: City) -> dict[str, Any]:
        from xiaoan.hazards.testing import hazard_in_state

        return {"pk": hazard_in_state(city, state).pk, **extra}

    build.__name__ = f"hazard_{state}"
    return build


def overdue_hazard(city: City) -> dict[str, Any]:
    from xiaoan.hazards.models import State
    from xiaoan.hazards.testing import hazard_in_state, make_overdue

    return {"pk": make_overdue(hazard_in_state(city, State.RECTIFYING)).pk}


def supervision(city: City) -> dict[str, Any]:
    from xiaoan.hazards import services

    kwargs = overdue_hazard(city)
    from xiaoan.hazards.models import Hazard

    listed = services.supervision_open(
        actor=city.county_a_officer,
        hazard=Hazard.objects.system(REASON).get(pk=kwargs["pk"]),
        leader=city.county_a_officer,
        deadline=today() + dt.timedelta(days=10),
        required_reports="每周报送",
    )
    return {"pk": listed.pk}


def report_token(city: City) -> dict[str, Any]:
    from xiaoan.hazards.services import report_point_for

    return {"token": report_point_for(actor=city.principal, unit=city.school_a1).token}


def asset(city: City) -> dict[str, Any]:
    from xiaoan.assets.testing import make_asset

    return {"pk": make_asset(city.school_a1).pk}


def county_template(city: City) -> dict[str, Any]:
    from xiaoan.inspections.testing import make_template

    return {"pk": make_template(owner=city.county_a, title="宛城区教室检查").pk}


def template_item(city: City) -> dict[str, Any]:
    from xiaoan.inspections.models import Item

    kwargs = county_template(city)
    item = Item.objects.filter(section__version__template_id=kwargs["pk"]).first()
    assert item is not None
    return {**kwargs, "item_pk": item.pk}


def inspection_plan(city: City) -> dict[str, Any]:
    from xiaoan.inspections.testing import make_plan, make_template

    return {"pk": make_plan(city.school_a1, make_template(owner=city.school_a1)).pk}


def inspection(city: City) -> dict[str, Any]:
    from xiaoan.inspections.testing import make_template, start

    add_personas(city)
    template = make_template(owner=city.school_a1)
    return {"pk": start(city.people["school_officer"], city.school_a1, template).pk}


def campaign(city: City) -> dict[str, Any]:
    from xiaoan.inspections.models import ChecklistTemplate
    from xiaoan.inspections.services import campaign_create

    template = ChecklistTemplate.objects.system(REASON).get(pk=county_template(city)["pk"])
    listed = campaign_create(
        actor=city.county_a_officer,
        title="宛城区防溺水专项检查",
        topic=campaign_topic(),
        template=template,
        starts_on=today(),
        ends_on=today() + dt.timedelta(days=20),
    )
    return {"pk": listed.pk}


def campaign_topic() -> str:
    from xiaoan.inspections.models import Topic

    return next(iter(Topic.values))


def drill(city: City) -> dict[str, Any]:
    from xiaoan.drills.testing import make_drill

    return {"pk": make_drill(city.school_a1).pk}


def drill_follow_up(city: City) -> dict[str, Any]:
    from xiaoan.drills.models import DrillFollowUp
    from xiaoan.drills.testing import make_held_drill

    held = make_held_drill(city.school_a1, today())
    return {"pk": DrillFollowUp.objects.create(drill=held, problem="三楼通道堵塞").pk, "action": "close"}


def drill_follow_up_only(city: City) -> dict[str, Any]:
    return {"pk": drill_follow_up(city)["pk"]}


def emergency_plan(city: City) -> dict[str, Any]:
    from xiaoan.drills.testing import make_plan

    return {"pk": make_plan(city.school_a1, revised_on=today()).pk}


def education_activity(city: City) -> dict[str, Any]:
    from xiaoan.education.testing import make_activity

    return {"pk": make_activity(city.school_a1).pk}


def training_session(city: City) -> dict[str, Any]:
    from xiaoan.training.testing import make_session

    return {"pk": make_session(city.school_a1).pk}


def training_record(city: City) -> dict[str, Any]:
    from xiaoan.training.testing import attend, make_session

    return {"pk": attend(make_session(city.school_a1), "王老师").pk}


def school_class(city: City) -> dict[str, Any]:
    from xiaoan.students.testing import make_class

    return {"pk": make_class(city.school_a1, teacher=city.teacher).pk}


def class_for_pupils(city: City) -> dict[str, Any]:
    return {"class_pk": school_class(city)["pk"]}


def pupil(city: City) -> dict[str, Any]:
    from xiaoan.students.models import SchoolClass
    from xiaoan.students.testing import make_pupil

    school_class_ = SchoolClass.objects.system(REASON).get(pk=school_class(city)["pk"])
    return {"pk": make_pupil(school_class_).pk}


def transfer_in(city: City) -> dict[str, Any]:
    """A pupil of school B1 (county B) on the way to school A1: the target is the receiving school's."""
    from xiaoan.students.models import Pupil, PupilTransfer
    from xiaoan.students.testing import make_class, make_pupil

    add_personas(city)
    moving = make_pupil(make_class(city.school_b1, grade=4), name="刘小宇")
    transfer = PupilTransfer.objects.system(REASON).create(
        pupil=Pupil.objects.system(REASON).get(pk=moving.pk),
        from_unit=city.school_b1,
        to_unit=city.school_a1,
        requested_by=city.people["b_principal"],
        requested_on=today(),
    )
    return {"pk": transfer.pk}


def letter(city: City) -> dict[str, Any]:
    from xiaoan.families.testing import draft_letter

    return {"pk": draft_letter(city, author="county_a_officer").pk}


def published_letter(city: City) -> dict[str, Any]:
    from xiaoan.families.testing import build_roster, published_letter

    build_roster(city)
    return {"pk": published_letter(city, author="county_a_officer").pk}


def letter_class(city: City) -> dict[str, Any]:
    from xiaoan.families.testing import build_roster, published_letter

    roster = build_roster(city)
    return {"pk": published_letter(city, author="county_a_officer").pk, "class_pk": roster.class_a.pk}


def receipt_token(city: City) -> dict[str, Any]:
    from xiaoan.families.testing import build_roster, published_letter, token_of

    roster = build_roster(city)
    return {"token": token_of(published_letter(city), roster.pupils["zhang"])}


def inspection_plan_template(city: City) -> int:
    """A checklist of school A1 to start an inspection with (form data, not URL kwargs)."""
    from xiaoan.inspections.testing import make_template

    return make_template(owner=city.school_a1, title="每日巡查").pk


# --- canaries in county B: one record per module at school B1, renamed so every row that names it is marked --
CANARY = "卧龙区金丝雀XYZ"


def seed_county_b_canaries(city: City) -> None:
    """School B1 becomes "卧龙区金丝雀XYZ中学" and gets one marked record in every module."""
    from xiaoan.assets.testing import make_asset
    from xiaoan.drills.testing import make_drill, make_held_drill, make_plan
    from xiaoan.education.testing import make_activity
    from xiaoan.families.testing import draft_letter
    from xiaoan.hazards.testing import hazard_in_state
    from xiaoan.inspections.services import campaign_create
    from xiaoan.inspections.testing import make_template, start
    from xiaoan.orgs.models import Unit
    from xiaoan.risks.testing import make_risk_point
    from xiaoan.students.testing import make_class, make_pupil
    from xiaoan.training.testing import attend, make_session

    add_personas(city)
    Unit.objects.system(REASON).filter(pk=city.school_b1.pk).update(name=f"{CANARY}中学", short_name=CANARY)
    Unit.objects.system(REASON).filter(pk=city.county_b.pk).update(short_name=f"{CANARY}局")
    city.school_b1.refresh_from_db()
    city.county_b.refresh_from_db()
    make_person("canary_person", city.school_b1, Role.STAFF, full_name=f"{CANARY}老师")
    b = city.school_b1
    make_risk_point(b, name=f"{CANARY}实验室")
    hazard = hazard_in_state(city, "reported", unit=b)
    from xiaoan.hazards.models import Hazard

    Hazard.objects.system(REASON).filter(pk=hazard.pk).update(place=f"{CANARY}操场", description=f"{CANARY}围墙开裂")
    make_asset(b, location=f"{CANARY}走廊")
    template = make_template(owner=city.county_b, title=f"{CANARY}检查表")
    campaign_create(
        actor=city.county_b_officer,
        title=f"{CANARY}专项整治",
        topic=campaign_topic(),
        template=template,
        starts_on=today(),
        ends_on=today() + dt.timedelta(days=20),
    )
    start(city.people["b_school_officer"], b, make_template(owner=b, title=f"{CANARY}日查"))
    drill_b = make_drill(b)
    type(drill_b).objects.system(REASON).filter(pk=drill_b.pk).update(scope=f"{CANARY}全校")
    from xiaoan.drills.models import DrillFollowUp

    DrillFollowUp.objects.create(drill=make_held_drill(b, today()), problem=f"{CANARY}通道堵塞")
    plan = make_plan(b, revised_on=today())
    type(plan).objects.system(REASON).filter(pk=plan.pk).update(title=f"{CANARY}预案")
    make_activity(b, title=f"{CANARY}防溺水班会")
    attend(make_session(b, title=f"{CANARY}消防培训"), f"{CANARY}学员")
    make_pupil(make_class(b, grade=7), name=f"{CANARY}同学")
    draft_letter(city, author="county_b_officer", title=f"{CANARY}致家长的一封信")
    import_job_b = import_job(city, unit=city.county_b, original_name=f"{CANARY}.xlsx")
    assert import_job_b
