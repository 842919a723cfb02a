"""Drill and plan numbers (RULES.md "Drills, education, training"): all settings with their sources."""

from django.utils.translation import gettext_lazy as _

from xiaoan.core.rules.registry import declare_rule

GUIDE = "《中小学幼儿园应急疏散演练指南》"

declare_rule(
    "drills.per_month", 1, label=_("中小学每月应急疏散演练次数"), source=GUIDE, kind="int", unit=_("次/月"), minimum=0
)
declare_rule(
    "drills.kindergarten_per_quarter",
    1,
    label=_("幼儿园每季度应急疏散演练次数"),
    source=GUIDE,
    kind="int",
    unit=_("次/季度"),
    minimum=0,
)
declare_rule(
    "drills.boarding_per_month",
    2,
    label=_("寄宿制及特殊教育学校每月演练次数"),
    source=_("地方规定（寄宿制、特殊教育学校应增加演练频次）"),
    kind="int",
    unit=_("次/月"),
    minimum=0,
    confirmed=False,
)
declare_rule(
    "drills.bus_per_semester",
    1,
    label=_("开通校车的学校每学期校车疏散演练次数"),
    source="《校车安全管理条例》",
    kind="int",
    unit=_("次/学期"),
    minimum=0,
)
declare_rule(
    "drills.evacuation_target_seconds",
    120,
    label=_("疏散目标用时（4层及以下建筑）"),
    source=GUIDE,
    kind="int",
    unit=_("秒"),
    minimum=10,
    confirmed=False,
    help=_("指导性要求，记录演练时与实际疏散用时比较。"),
)
declare_rule(
    "drills.plan_review_days",
    365,
    label=_("应急预案复核周期"),
    source=_("《生产安全事故应急预案管理办法》（定期评估）"),
    kind="int",
    unit=_("天"),
    minimum=30,
    confirmed=False,
)
