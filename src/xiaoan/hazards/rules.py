"""The numbers of hazard management, each a setting with its source."""

from django.utils.translation import gettext_lazy as _

from xiaoan.core.rules.registry import declare_rule

declare_rule(
    "hazards.reminder_days",
    ["3", "1"],
    label=_("整改期限前提醒责任人的天数"),
    source=_("《中小学幼儿园安全管理办法》；本地规定"),
    kind="list",
    unit=_("天"),
    confirmed=False,
)
declare_rule(
    "hazards.acceptance_days",
    10,
    label=_("申请验收后或期限届满后完成验收的天数"),
    source=_("本地规定（默认10天）"),
    kind="int",
    unit=_("天"),
    minimum=1,
    confirmed=False,
)
declare_rule(
    "hazards.public_reports_per_ip_hour",
    10,
    label=_("随手拍：同一网络地址每小时可提交的次数"),
    source=_("本系统防滥用设置"),
    kind="int",
    unit=_("次/小时"),
    minimum=1,
)
declare_rule(
    "hazards.public_reports_per_school_hour",
    120,
    label=_("随手拍：同一学校二维码每小时可接收的次数"),
    source=_("本系统防滥用设置"),
    kind="int",
    unit=_("次/小时"),
    minimum=1,
)
declare_rule(
    "hazards.public_photo_max_kb",
    5120,
    label=_("随手拍：单张照片大小上限"),
    source=_("本系统防滥用设置"),
    kind="int",
    unit=_("KB"),
    minimum=100,
)
declare_rule(
    "hazards.public_photos_max",
    3,
    label=_("随手拍：每次最多上传照片数"),
    source=_("本系统防滥用设置"),
    kind="int",
    unit=_("张"),
    minimum=0,
)
