from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleValue(models.Model):
    """A changed rule value, in force from ``valid_from`` on (earlier periods keep the earlier value)."""

    key = models.CharField(_("规则"), max_length=100, db_index=True)
    value = models.JSONField(_("取值"))
    valid_from = models.DateField(_("生效日期"))
    note = models.CharField(_("依据/说明"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("修改时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("规则取值")
        verbose_name_plural = _("规则取值")
        constraints = [models.UniqueConstraint(fields=["key", "valid_from"], name="rule_value_once_per_day")]
        ordering = ["key", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.key}={self.value} ({self.valid_from})"
