"""Check cycles of safety assets per kind, and how early an asset counts as due."""

from django.utils.translation import gettext_lazy as _

from xiaoan.core.rules.registry import declare_rule

FIRE_SOURCE = "GB 25201《建筑消防设施的维护管理》"
COMMON_SOURCE = _("学校安全设施日常检查常见做法")

# kind: (default days, label, source, confirmed)
CHECK_CYCLES = {
    "extinguisher": (30, _("灭火器检查周期"), FIRE_SOURCE, True),
    "hydrant": (90, _("消火栓检查周期"), FIRE_SOURCE, False),
    "emergency_light": (30, _("应急照明检查周期"), FIRE_SOURCE, False),
    "exit_sign": (30, _("疏散指示标志检查周期"), FIRE_SOURCE, False),
    "fire_alarm": (30, _("火灾报警器检查周期"), FIRE_SOURCE, False),
    "first_aid_kit": (30, _("急救箱检查周期"), COMMON_SOURCE, False),
    "aed": (30, _("AED 检查周期"), COMMON_SOURCE, False),
    "rescue": (30, _("救生设备检查周期"), COMMON_SOURCE, False),
    "camera": (30, _("监控摄像头检查周期"), COMMON_SOURCE, False),
    "alarm_button": (30, _("一键报警装置检查周期"), COMMON_SOURCE, False),
    "other": (90, _("其他安全设施检查周期"), COMMON_SOURCE, False),
}

for kind, (days, label, source, confirmed) in CHECK_CYCLES.items():
    declare_rule(
        f"assets.check_cycle.{kind}", days, label=label, source=source, kind="int", unit=_("天"), minimum=1,
        confirmed=confirmed,
    )  # fmt: skip

declare_rule(
    "assets.due_soon_days",
    7,
    label=_("安全设施到期提前提示天数（检查或有效期到期前）"),
    source=COMMON_SOURCE,
    kind="int",
    unit=_("天"),
    minimum=0,
    confirmed=False,
)
