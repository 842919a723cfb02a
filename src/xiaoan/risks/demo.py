"""Demo risk points: a realistic handful per demo school (laboratory, canteen, stairs, gate, power room, water…)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from xiaoan.core.rules.services import get_rule
from xiaoan.orgs.models import Membership, Unit
from xiaoan.orgs.roles import MANAGERS, Stage, UnitKind

from .grading import grade
from .models import GradingMethod, RiskKind, RiskPoint

REASON = "demo data for every school"
SECONDARY = frozenset({Stage.JUNIOR, Stage.SENIOR, Stage.COMPLETE, Stage.NINE_YEAR, Stage.VOCATIONAL})
NOT_KINDERGARTEN = frozenset(Stage) - {Stage.KINDERGARTEN}
ALL = frozenset(Stage)

# fmt: off
# name, place, kind, hazard factors, consequences, control measures, (L, E, C), post, stages
CATALOGUE: tuple[tuple[str, str, str, str, str, str, tuple[str, str, str], str, frozenset], ...] = (
    ("化学实验室危险化学品储存与使用", "实验楼三楼化学实验室及药品室", RiskKind.PLACE,
     "易燃易爆、有毒化学品储存不规范；学生实验操作不当；通风设施失效",
     "火灾、爆炸、中毒、灼伤",
     "危化品双人双锁、专柜分类存放、领用登记；实验前安全教育；通风橱每月检查；配备洗眼器和灭火毯",
     ("3", "6", "15"), "实验室管理员", SECONDARY),
    ("学生食堂食品加工", "学生食堂操作间", RiskKind.PLACE,
     "食材来源不明、储存温度不达标、生熟混放；燃气灶具泄漏",
     "群体性食物中毒、燃气火灾",
     "索证索票和进货查验；48小时留样；明厨亮灶；燃气报警器每月测试；从业人员持健康证上岗",
     ("3", "6", "15"), "总务主任", NOT_KINDERGARTEN),
    ("教学楼楼梯间课间通行", "教学楼东、西楼梯间", RiskKind.PLACE,
     "课间、放学时段人员集中；楼梯照明不足；学生追逐打闹",
     "拥挤踩踏、摔伤",
     "分年级错峰放学；楼梯口教师值守；应急照明和疏散指示每月检查；开展防踩踏演练",
     ("1", "10", "15"), "政教主任", ALL),
    ("校门口上下学交通", "学校正门及门前道路", RiskKind.ACTIVITY,
     "上下学时段车辆与人流混行；接送车辆违停；无信号灯路口",
     "交通事故、人员伤亡",
     "设置护学岗，公安交警配合疏导；门前施划斑马线和减速带；错峰放学",
     ("3", "6", "7"), "门卫及护学岗", ALL),
    ("配电室", "综合楼一楼配电室", RiskKind.FACILITY,
     "线路老化、超负荷；无关人员进入；消防器材缺失",
     "触电、电气火灾",
     "配电室上锁、专人管理；电工持证上岗；每季度线路检测；配备干粉灭火器和绝缘用具",
     ("1", "3", "40"), "电工", ALL),
    ("运动场及体育器材", "操场、单双杠区域", RiskKind.FACILITY,
     "器材锈蚀松动；场地不平；运动前准备活动不足",
     "摔伤、骨折",
     "体育器材每周检查并登记；损坏器材立即停用；体育课前热身和保护帮助",
     ("3", "6", "3"), "体育教研组长", ALL),
    ("幼儿园大型玩具", "户外活动场地滑梯、攀爬架", RiskKind.FACILITY,
     "玩具连接件松动、地面缓冲层破损；幼儿拥挤",
     "跌落、夹伤",
     "每日晨检玩具；铺设塑胶缓冲层；教师分区看护，限制同时使用人数",
     ("3", "6", "3"), "保育主任", frozenset({Stage.KINDERGARTEN})),
    ("学生宿舍夜间管理", "学生宿舍楼", RiskKind.PLACE,
     "违规使用大功率电器；夜间疏散通道上锁；宿管人员不足",
     "火灾、群死群伤",
     "宿舍楼夜间专人值守；每晚查寝并检查违规电器；疏散通道保持畅通，每学期开展夜间疏散演练",
     ("1", "10", "40"), "宿舍管理员", ALL),
)
WATER = (
    "周边水域防溺水", "学校西侧河道及坑塘", RiskKind.PLACE,
    "学校周边有河道、坑塘，无防护栏和警示标志；夏季学生私自下水",
    "溺水死亡",
    "设置警示牌和救生圈、救生杆；开展防溺水“六不”教育；放学后和节假日家校联动巡查",
    ("3", "3", "40"), "安全副校长", ALL,
)
# fmt: on


def seed_risk_points(*, scale: str, seed: int) -> int:
    """Demo scale: a handful per school, some with an overdue review. City scale: skipped (the benchmark
    generator writes its own volume)."""
    if scale != "demo":
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    cycle = get_rule("risks.review_cycle_days", on=today)
    with transaction.atomic():
        schools = list(Unit.objects.system(REASON).filter(kind=UnitKind.SCHOOL).order_by("path"))
        managers = _managers(schools)
        points = []
        for school in schools:
            catalogue = [entry for entry in CATALOGUE if school.stage in entry[-1]]
            if school.stage == Stage.KINDERGARTEN or not school.is_boarding:
                catalogue = [entry for entry in catalogue if entry[0] != "学生宿舍夜间管理"]
            if rng.random() < 0.3:
                catalogue.append(WATER)
            for entry in catalogue:
                points.append(_point(school, entry, rng, today, cycle, managers.get(school.pk)))
        RiskPoint.objects.bulk_create(points, batch_size=500)
    return len(points)


def _managers(schools: list[Unit]) -> dict[int, Any]:
    posts = (
        Membership.objects.system(REASON)
        .filter(unit__in=schools, role__in=MANAGERS, is_active=True)
        .select_related("user")
        .order_by("unit_id", "role")
    )
    result: dict[int, Any] = {}
    for post in posts:
        result.setdefault(post.unit_id, post.user)
    return result


def _point(school: Unit, entry: tuple, rng: random.Random, today: dt.date, cycle: int, manager: Any) -> RiskPoint:
    name, place, kind, factors, consequences, measures, (l_value, e_value, c_value), post, _stages = entry
    reviewed = today - dt.timedelta(days=rng.randint(0, cycle + 60))
    grading = grade(
        method=GradingMethod.LEC,
        on=reviewed,
        likelihood=Decimal(l_value),
        exposure=Decimal(e_value),
        consequence=Decimal(c_value),
    )
    point = RiskPoint(
        unit=school,
        name=name,
        place=place,
        kind=kind,
        hazard_factors=factors,
        consequences=consequences,
        control_measures=measures,
        responsible=manager if rng.random() < 0.5 else None,
        responsible_post=post,
        review_cycle_days=cycle,
        last_reviewed_on=reviewed,
        graded_on=reviewed,
        review_due=reviewed + dt.timedelta(days=cycle),
    )
    grading.apply_to(point)
    return point
