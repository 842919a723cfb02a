"""Numbers of the compliance engine itself (each obligation's own numbers live in its app's rules.py)."""

from django.utils.translation import gettext_lazy as _

from xiaoan.core.rules.registry import declare_rule

declare_rule(
    "compliance.due_soon_days",
    7,
    label=_("到期前提醒天数"),
    source=_("本平台约定"),
    kind="int",
    unit=_("天"),
    minimum=0,
    maximum=90,
    help=_("时段结束前多少天起，尚未完成的义务显示为“即将到期”并提醒学校安全专干。"),
)
declare_rule(
    "compliance.spring_starts",
    "02-01",
    label=_("春季学期开始日（月-日）"),
    source=_("本市校历（默认2月1日至7月31日）"),
    kind="text",
    help=_("格式为“月-日”，如 02-01。秋季学期开始前一天为春季学期最后一天。"),
)
declare_rule(
    "compliance.autumn_starts",
    "08-01",
    label=_("秋季学期开始日（月-日）"),
    source=_("本市校历（默认8月1日至次年1月31日）"),
    kind="text",
    help=_("格式为“月-日”，如 08-01。次年春季学期开始前一天为秋季学期最后一天。"),
)
