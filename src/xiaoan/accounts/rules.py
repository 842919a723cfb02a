"""The numbers of the account policy, each a setting with its source."""

from django.utils.translation import gettext_lazy as _

from xiaoan.core.rules.registry import declare_rule

PASSWORD_MAX_AGE_MINIMUM = 30

declare_rule(
    "accounts.password_max_age_days",
    90,
    label=_("工作人员密码最长使用天数（到期须修改）"),
    source=_("等保2.0 实践（GB/T 22239-2019 身份鉴别：口令定期更换）"),
    kind="int",
    unit=_("天"),
    minimum=PASSWORD_MAX_AGE_MINIMUM,
)
