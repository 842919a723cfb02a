"""Demo data: a semester of realistic safety-education activities in the demo city's schools.

Deterministic for a seed. The personas' school gets a fuller record with one seed topic left out, so the
coverage page has something to point at; at city scale nothing is added (benchmarks bring their own).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from xiaoan.orgs.models import Membership, Unit
from xiaoan.orgs.roles import Role, UnitKind

from .models import ActivityTopic, EducationActivity, Form, Topic
from .selectors import semester_of

REASON = "seeding demo education activities"

# (title, form, topics, summary)
TEMPLATES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    (
        "珍爱生命 预防溺水主题班会",
        Form.ASSEMBLY,
        (Topic.DROWNING,),
        "讲解“六不”要求，观看防溺水警示片，签订家长告知书。",
    ),
    ("防溺水安全第一课", Form.LESSON, (Topic.DROWNING,), "结合本地河塘分布讲解溺水风险与自救方法。"),
    ("消防安全知识讲座", Form.TALK, (Topic.FIRE,), "邀请辖区消防救援站指战员讲解火灾逃生与灭火器使用。"),
    ("参观南阳市消防科普教育基地", Form.FIRE_BASE_VISIT, (Topic.FIRE,), "学生体验烟雾逃生通道和模拟报警。"),
    ("交通安全进校园", Form.TALK, (Topic.TRAFFIC,), "交警大队民警讲解上下学路上的交通安全和乘车安全。"),
    ("防欺凌主题教育课", Form.LESSON, (Topic.BULLYING,), "通过案例讨论认识欺凌行为，公布学校举报电话和信箱。"),
    ("食品安全与卫生习惯", Form.LESSON, (Topic.FOOD_POISONING,), "讲解不买“三无”食品、饭前洗手等要求。"),
    ("文明上网 拒绝沉迷", Form.ASSEMBLY, (Topic.INTERNET_ADDICTION,), "讨论网络游戏沉迷的危害，倡议合理使用手机。"),
    ("防震减灾知识教育", Form.VIDEO, (Topic.NATURAL_DISASTER,), "观看防震减灾科普视频，讲解“伏地、遮挡、手抓牢”。"),
    (
        "法治教育：远离不法侵害",
        Form.TALK,
        (Topic.UNLAWFUL_HARM, Topic.SEXUAL_ABUSE),
        "法治副校长讲解自我保护与求助方式。",
    ),
    ("全民国家安全教育日主题活动", Form.ASSEMBLY, (Topic.NATIONAL_SECURITY,), "国旗下讲话并开展国家安全知识竞答。"),
    (
        "地震应急疏散演练及讲评",
        Form.DRILL,
        (Topic.NATURAL_DISASTER, Topic.FIRE),
        "全校疏散用时3分12秒，讲评存在的问题。",
    ),
)
GRADES = ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级")


def _personas_school() -> Unit | None:
    post = (
        Membership.objects.system(REASON)
        .filter(user__username="principal", role=Role.LEADER, unit__kind=UnitKind.SCHOOL)
        .select_related("unit")
        .first()
    )
    return post.unit if post else None


def _dates(rng: random.Random, start: dt.date, end: dt.date, count: int) -> list[dt.date]:
    span = max(0, (end - start).days)
    return sorted(start + dt.timedelta(days=rng.randint(0, span)) for _ in range(count))


@transaction.atomic
def seed_demo(*, scale: str, seed: int, today: dt.date | None = None) -> int:
    if scale != "demo":
        return 0
    rng = random.Random(seed * 7 + 5)
    day = today or timezone.localdate()
    start, _end = semester_of(day)
    schools = list(Unit.objects.system(REASON).filter(kind=UnitKind.SCHOOL, is_active=True).order_by("path"))
    home = _personas_school()
    activities: list[EducationActivity] = []
    topics: list[list[str]] = []
    for school in schools:
        if school == home:
            chosen = [t for t in TEMPLATES if Topic.INTERNET_ADDICTION not in t[2]]
        else:
            chosen = rng.sample(TEMPLATES, rng.randint(2, 6))
        for (title, form, covered, summary), date in zip(chosen, _dates(rng, start, day, len(chosen)), strict=True):
            whole_school = form in (Form.ASSEMBLY, Form.DRILL, Form.TALK)
            classes = max(1, school.pupils // 45) if whole_school else rng.randint(1, 4)
            activities.append(
                EducationActivity(
                    unit=school,
                    title=title,
                    date=date,
                    form=form,
                    grade="" if whole_school else rng.choice(GRADES),
                    classes_reached=classes,
                    headcount=min(school.pupils, classes * rng.randint(38, 50)) if school.pupils else classes * 40,
                    organiser=rng.choice(("政教处", "安全办", "少先队大队部", "班主任", "德育处")),
                    summary=summary,
                )
            )
            topics.append(list(covered))
    EducationActivity.objects.bulk_create(activities, batch_size=500)
    rows = [ActivityTopic(activity=a, topic=t) for a, covered in zip(activities, topics, strict=True) for t in covered]
    ActivityTopic.objects.bulk_create(rows, batch_size=1000)
    return len(activities)
