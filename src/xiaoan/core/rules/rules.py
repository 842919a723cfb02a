"""Numbers of the core mechanisms (collected like every app's ``rules.py``)."""

from django.utils.translation import gettext_lazy as _

from xiaoan.core.overload import FLOOR_MS, RULE
from xiaoan.core.rules.registry import declare_rule

declare_rule(
    RULE,
    500,
    label=_("公开页面（家长回执、随手拍）排队超过此时间即答复“系统繁忙”（503）"),
    source=_("本系统过载保护设置"),
    kind="int",
    unit=_("毫秒"),
    minimum=FLOOR_MS,
    maximum=60_000,
    help=_("请求等待处理线程的时间超过此值时，立即答复“系统繁忙，请稍后再试”，不再排队；工作人员页面不受影响。"),
)
