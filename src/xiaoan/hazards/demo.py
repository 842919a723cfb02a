"""Demo hazards for `xiaoan seed`: realistic reports at the persona school in every state, moved through the
real services (so every step is logged), two of them overdue and one under 挂牌督办 by the county; a few new
reports at other schools so the county and city roll-ups show something. The same at every scale (the
benchmark generator in ``bench/`` makes the volume)."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from xiaoan.orgs.models import Membership, Unit, User
from xiaoan.orgs.roles import UnitKind

from . import services
from .deadlines import flag_overdue
from .models import Category, Grade, Hazard, State

# (category, place, description, target state, grade, days ago reported)
STORIES: list[tuple[str, str, str, str, str, int]] = [
    (Category.FIRE, "教学楼二楼东侧走廊", "灭火器压力表指针在红区，已过检验期", State.CLOSED, Grade.GENERAL, 40),
    (Category.ELECTRICITY, "实验楼一楼配电箱", "配电箱门锁损坏，线路裸露", State.CLOSED, Grade.GENERAL, 33),
    (
        Category.BUILDING,
        "老教学楼北侧外墙",
        "外墙瓷砖空鼓，有脱落风险，下方为学生通道",
        State.RECTIFYING,
        Grade.MAJOR,
        26,
    ),
    (Category.FOOD, "学生食堂操作间", "留样冰箱温度计损坏，留样记录不全", State.ACCEPTED, Grade.GENERAL, 20),
    (Category.TRAFFIC, "校门口东侧路段", "减速带破损，上下学时段车辆车速快", State.RECTIFYING, Grade.GENERAL, 18),
    (Category.SPORTS, "操场篮球架", "篮球架底座螺栓松动，晃动明显", State.ACCEPTANCE_REQUESTED, Grade.GENERAL, 12),
    (Category.WATER, "校园西侧排水渠", "排水渠护栏缺失约5米", State.RECTIFYING, Grade.GENERAL, 10),
    (Category.GAS, "食堂燃气间", "燃气报警器未通电", State.GRADED, Grade.GENERAL, 5),
    (Category.LABORATORY, "化学实验室药品柜", "危化品未双人双锁管理，台账不全", State.GRADED, Grade.MAJOR, 4),
    (Category.SECURITY, "学校南侧围墙", "围墙有缺口，可供人员出入", State.REPORTED, "", 2),
    (Category.SURROUNDINGS, "校门对面", "校门口新开网吧，距学校不足200米", State.REPORTED, "", 1),
    (Category.OTHER, "二楼男卫生间", "地面积水湿滑，无警示标识", State.REJECTED, "", 3),
]
OVERDUE = {"老教学楼北侧外墙", "校门口东侧路段"}
SUPERVISED = "老教学楼北侧外墙"


def _photo(rng: random.Random, label: str) -> SimpleUploadedFile:
    image = Image.new("RGB", (480, 360), tuple(rng.randint(90, 200) for _i in range(3)))  # type: ignore[arg-type]
    ImageDraw.Draw(image).rectangle((60, 60, 420, 300), outline=(255, 255, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(f"{label}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _unit_of(user: User) -> Unit:
    memberships = Membership.objects.system("demo seed").select_related("unit").filter(user=user)
    return memberships.order_by("pk")[0].unit


def seed_hazards(*, scale: str, seed: int) -> None:
    officer, principal, teacher = _user("safety_officer"), _user("principal"), _user("teacher")
    county_officer = _user("wancheng_officer")
    if not (officer and principal and teacher and county_officer):
        return
    rng = random.Random(seed)
    school = _unit_of(officer)
    today = timezone.localdate()
    for category, place, description, target, grade, days_ago in STORIES:
        reporter = rng.choice([teacher, officer, _user("guard") or teacher])
        hazard = services.hazard_report(
            actor=reporter,
            unit=school,
            category=category,
            place=place,
            description=description,
            photos=[_photo(rng, "before")],
        )
        reported_at = timezone.now() - dt.timedelta(days=days_ago, hours=rng.randint(1, 8))
        Hazard.objects.system("demo seed: a realistic report time").filter(pk=hazard.pk).update(reported_at=reported_at)
        _move(hazard, target, grade, officer=officer, principal=principal, rng=rng, today=today)
        if place in OVERDUE:
            past = today - dt.timedelta(days=rng.randint(2, 6))
            Hazard.objects.system("demo seed: a deadline that passed").filter(pk=hazard.pk).update(deadline=past)
    flag_overdue(today, timezone.now())
    listed = Hazard.objects.system("demo seed").get(unit=school, place=SUPERVISED)
    services.supervision_open(
        actor=county_officer,
        hazard=listed,
        leader=county_officer,
        deadline=today + dt.timedelta(days=20),
        required_reports="每周五前报送整改进展（文字和照片），完成后申请区教体局验收销号。",
    )
    services.supervision_report_add(
        actor=officer,
        supervision=listed.supervisions.get(),
        text="已委托施工单位进场搭设脚手架，下方通道已围挡封闭，学生改走南侧通道。",
        photos=[_photo(rng, "progress")],
    )
    _reports_elsewhere(rng, county_officer, _user("wolong_officer"))


def _move(hazard: Hazard, target: str, grade: str, *, officer: Any, principal: Any, rng: random.Random, today: Any):
    if target == State.REPORTED:
        return
    if target == State.REJECTED:
        services.hazard_transition(
            actor=officer, hazard=hazard, name="reject", comment="经核实为保洁刚拖地，已放置警示牌。"
        )
        return
    services.hazard_grade(actor=officer, hazard=hazard, grade=grade, comment="现场核实")
    if target == State.GRADED:
        return
    plan: dict[str, Any] = {}
    if grade == Grade.MAJOR:
        plan = {
            "funds": 38000,
            "goal": "彻底消除外墙瓷砖脱落风险",
            "organisation": "校长任组长，总务处牵头，施工单位实施",
            "materials": "申请区财政专项资金3.8万元，脚手架和安全网由施工单位提供",
            "safety_measures": "施工区域围挡封闭，设置警示标识，学生改道通行，专人值守",
            "contingency_plan": "发生坠物立即疏散周边人员，拨打120并报告区教体局",
        }
    services.hazard_assign(
        actor=officer,
        hazard=hazard,
        responsible=officer,
        responsible_post="安全副校长",
        measures="按规范维修或更换，完成后拍照留存",
        deadline=today + dt.timedelta(days=rng.randint(5, 20)),
        **plan,
    )
    if target == State.RECTIFYING:
        return
    services.hazard_request_acceptance(actor=officer, hazard=hazard, photos=[_photo(rng, "after")], comment="已整改")
    if target == State.ACCEPTANCE_REQUESTED:
        return
    services.hazard_transition(actor=principal, hazard=hazard, name="accept", comment="现场验收合格")
    if target == State.ACCEPTED:
        return
    services.hazard_transition(actor=officer, hazard=hazard, name="close")


def _reports_elsewhere(rng: random.Random, *officers: Any) -> None:
    """New reports by the county officers at other schools (found on their inspection rounds)."""
    for officer in officers:
        if officer is None:
            continue
        county = _unit_of(officer)
        schools = list(
            Unit.objects.system("demo seed").filter(parent=county, kind=UnitKind.SCHOOL).order_by("path")[1:4]
        )
        for school in schools:
            category, place, description, *_rest = rng.choice(STORIES)
            services.hazard_report(actor=officer, unit=school, category=category, place=place, description=description)
