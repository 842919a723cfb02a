"""The configurable numbers of safety training (shown on /rules/ with their sources)."""

from django.utils.translation import gettext_lazy as _

from xiaoan.core.rules.registry import declare_rule

declare_rule(
    "training.fire_coverage_percent",
    100,
    label=_("每年接受消防安全培训的教职工比例"),
    source="《机关、团体、企业、事业单位消防安全管理规定》（公安部令第61号）第三十六条",
    kind="int",
    unit="%",
    minimum=0,
    maximum=100,
)
declare_rule(
    "training.certificate_due_days",
    30,
    label=_("证书到期提醒提前天数"),
    source=_("市教育局规定"),
    kind="int",
    unit=_("天"),
    minimum=1,
    maximum=365,
)
declare_rule(
    "training.new_principal_days",
    365,
    label=_("新任校长须在任职后多少天内完成任职培训"),
    source="《中小学校长培训规定》（教育部令第8号）",
    confirmed=False,
    kind="int",
    unit=_("天"),
    minimum=1,
    maximum=730,
)
