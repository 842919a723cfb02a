"""The configurable numbers and lists of safety education (shown on /rules/ with their sources)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from xiaoan.core.rules.registry import declare_rule

from .themedays import KINDS, LAST_FULL_WEEK, LAST_MONDAY

THEME_DAY_KEYS = [kind.key for kind in KINDS]
SOURCE_CALENDAR = _("《中小学公共安全教育指导纲要》及国务院、教育部关于各主题日的通知")

declare_rule(
    "education.theme_days",
    THEME_DAY_KEYS,
    label=_("在用的安全教育主题日"),
    source=SOURCE_CALENDAR,
    kind="list",
    help=format_lazy(_("主题日代码，逗号分隔：{codes}"), codes=", ".join(THEME_DAY_KEYS)),
)
declare_rule(
    "education.safety_day_method",
    LAST_MONDAY,
    label=_("全国中小学生安全教育日的确定方法"),
    source="《关于建立全国中小学生安全教育日制度的通知》（1996）",
    kind="choice",
    choices=(
        (LAST_MONDAY, _("3月最后一个星期一（历年公布的日期）")),
        (LAST_FULL_WEEK, _("3月最后一个完整周（周一至周日均在3月）的星期一")),
    ),
)
declare_rule(
    "education.theme_day_obligations",
    [],
    label=_("须开展对应主题活动的主题日"),
    source=_("市教育局规定"),
    kind="list",
    help=_("列出的主题日，学校须在其前后若干天内开展对应主题的安全教育活动（计入合规）。"),
)
declare_rule(
    "education.theme_day_window_days",
    7,
    label=_("主题日活动的认定时间窗"),
    source=_("市教育局规定"),
    kind="int",
    unit=_("天"),
    minimum=0,
    maximum=31,
    confirmed=False,
    help=_("主题日前后多少天内开展的活动计为该主题日的活动。"),
)
declare_rule(
    "education.theme_day_notice_days",
    7,
    label=_("主题日提前提醒天数"),
    source=_("市教育局规定"),
    kind="int",
    unit=_("天"),
    minimum=0,
    maximum=60,
)
declare_rule(
    "education.theme_day_horizon_days",
    14,
    label=_("首页显示未来多少天内的主题日"),
    source=_("市教育局规定"),
    kind="int",
    unit=_("天"),
    minimum=1,
    maximum=90,
)
declare_rule(
    "education.thin_coverage_percent",
    50,
    label=_("主题覆盖薄弱线（开展该主题的学校占比低于此值）"),
    source=_("市教育局规定"),
    kind="int",
    unit="%",
    minimum=0,
    maximum=100,
)
