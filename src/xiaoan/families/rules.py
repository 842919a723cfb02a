"""Numbers of the parent-letter module (RULES.md, "Parent letters"), all editable on /rules/."""

from django.utils.translation import gettext_lazy as _

from xiaoan.core.rules.registry import declare_rule

declare_rule(
    "families.link_valid_days_after_deadline",
    60,
    label=_("回执链接在截止日期后的有效天数"),
    source=_("《校安》本地规则"),
    kind="int",
    unit=_("天"),
    minimum=0,
    maximum=365,
)
declare_rule(
    "families.reminder_interval_days",
    1,
    label=_("同一家长两次回执提醒短信的最短间隔"),
    source=_("RULES.md《致家长的一封信》：提醒每天至多一次"),
    kind="int",
    unit=_("天"),
    minimum=1,
)
declare_rule(
    "families.sms_per_second",
    50,
    label=_("回执短信每秒发送条数上限"),
    source=_("短信服务商接口限速（本地规则）"),
    kind="int",
    unit=_("条/秒"),
    minimum=1,
    maximum=5000,
)
declare_rule(
    "families.sms_max_attempts",
    4,
    label=_("回执短信失败后的最多发送次数"),
    source=_("《校安》本地规则"),
    kind="int",
    unit=_("次"),
    minimum=1,
    maximum=10,
)
declare_rule(
    "families.receipt_page_per_ip_per_minute",
    120,
    label=_("回执页面每个IP每分钟的访问上限"),
    source=_("《校安》本地规则（防止撞库猜测链接）"),
    kind="int",
    unit=_("次/分钟"),
    minimum=10,
)
