"""The numbers of risk grading: allowed LEC values, the colour bands, the levels in use, the review cycle."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from xiaoan.core.rules.registry import declare_rule

LEC_SOURCE = _("LEC 作业条件危险性评价法（格雷厄姆-金尼法）")
GRADING_SOURCE = _("风险分级管控常见做法：D 值分档对应红、橙、黄、蓝四色")
REVIEW_SOURCE = _("学校风险分级管控常见做法：风险点每学期至少复核一次")

declare_rule(
    "risks.lec_l_values",
    ["10", "6", "3", "1", "0.5", "0.2", "0.1"],
    label=_("LEC 法可选的事故发生可能性 L"),
    source=LEC_SOURCE,
    kind="list",
)
declare_rule(
    "risks.lec_e_values",
    ["10", "6", "3", "2", "1", "0.5"],
    label=_("LEC 法可选的暴露于危险环境的频繁程度 E"),
    source=LEC_SOURCE,
    kind="list",
)
declare_rule(
    "risks.lec_c_values",
    ["100", "40", "15", "7", "3", "1"],
    label=_("LEC 法可选的事故后果严重程度 C"),
    source=LEC_SOURCE,
    kind="list",
)
declare_rule(
    "risks.danger_thresholds",
    ["320", "160", "70", "20"],
    label=_("LEC 危险程度分界值（极其危险、高度危险、显著危险、一般危险；D 大于分界值即属该档）"),
    source=LEC_SOURCE,
    kind="list",
)
declare_rule(
    "risks.red_above",
    Decimal("320"),
    label=_("重大风险（红色）：D 值大于"),
    source=GRADING_SOURCE,
    kind="decimal",
    minimum=0,
    confirmed=False,
)
declare_rule(
    "risks.orange_above",
    Decimal("160"),
    label=_("较大风险（橙色）：D 值大于"),
    source=GRADING_SOURCE,
    kind="decimal",
    minimum=0,
    confirmed=False,
)
declare_rule(
    "risks.yellow_above",
    Decimal("70"),
    label=_("一般风险（黄色）：D 值大于（不大于此值为低风险，蓝色）"),
    source=GRADING_SOURCE,
    kind="decimal",
    minimum=0,
    confirmed=False,
)
declare_rule(
    "risks.levels_in_use",
    ["red", "orange", "yellow", "blue"],
    label=_("使用的风险等级（red 红、orange 橙、yellow 黄、blue 蓝；三级制可去掉 orange）"),
    source=GRADING_SOURCE,
    kind="list",
    help=_("未使用的等级不出现在直接定级的选项中；其分数段并入下一个使用中的较低等级，请同时调整分界值。"),
    confirmed=False,
)
declare_rule(
    "risks.review_cycle_days",
    183,
    label=_("风险点复核周期（每学期至少一次）"),
    source=REVIEW_SOURCE,
    kind="int",
    unit=_("天"),
    minimum=1,
    confirmed=False,
)
