"""Configurable numbers of the inspections module (see the rules page for their sources).

Semester boundaries for "每学期" plans are the compliance engine's rules (``compliance.spring_starts`` /
``compliance.autumn_starts``), so the city sets them once.
"""

from django.utils.translation import gettext_lazy as _

from xiaoan.core.rules.registry import declare_rule

FIRE_CHECK_SOURCE = _("《中小学幼儿园安全管理办法》（2006）及本市学校消防安全管理要求（默认每月1次）")

declare_rule(
    "inspections.fire_checks_per_month",
    1,
    label=_("学校每月消防设施检查次数"),
    source=FIRE_CHECK_SOURCE,
    kind="int",
    unit=_("次/月"),
    minimum=0,
    confirmed=False,
    help=_("每月提交的消防设施检查（勾选“检查安全设施器材”的检查表）达到此次数即为完成。"),
)
