"""Password policy of 等保 2.0 practice: ≥ 8 characters from ≥ 3 character classes, not the user name; changed
after at most 90 days (the rule ``accounts.password_max_age_days``)."""

import datetime as dt
import string

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def character_classes(password: str) -> int:
    classes = [
        any(c in string.ascii_lowercase for c in password),
        any(c in string.ascii_uppercase for c in password),
        any(c in string.digits for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _(
                    "密码须包含小写字母、大写字母、数字、符号中的至少%(n)d类。"
                    " Use at least %(n)d of: lower case, upper case, digits, symbols."
                )
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("至少包含%(n)d类字符（小写、大写、数字、符号）。") % {"n": self.min_classes}


class NotUsernameValidator:
    def validate(self, password, user=None):
        username = getattr(user, "username", "") or ""
        if username and password.strip().lower() == username.strip().lower():
            raise ValidationError(
                _("密码不能与用户名相同。 The password must differ from the user name."), code="password_is_username"
            )

    def get_help_text(self):
        return _("不能与用户名相同。")


def password_expired(user, *, now: dt.datetime | None = None) -> bool:
    """True when the user's password is older than the rule ``accounts.password_max_age_days`` allows."""
    from xiaoan.core.rules.services import get_rule

    from .rules import PASSWORD_MAX_AGE_MINIMUM

    changed = getattr(user, "password_changed_at", None)
    if changed is None or not user.has_usable_password():
        return False
    now = now or timezone.now()
    age = now - changed
    if age < dt.timedelta(days=PASSWORD_MAX_AGE_MINIMUM):  # younger than any allowed setting: no rule lookup
        return False
    return age >= dt.timedelta(days=get_rule("accounts.password_max_age_days", on=timezone.localdate(now)))
