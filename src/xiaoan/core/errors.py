"""Domain errors that views and the API turn into clear messages (never a 500)."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base class: carries a translatable, user-facing message."""

    default_message = _("操作无法完成。")
    status_code = 400

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class Conflict(DomainError):
    default_message = _("该记录已被他人修改，请刷新后重试。")
    status_code = 409


class TransitionNotAllowed(DomainError):
    default_message = _("当前状态下不能执行此操作。")
    status_code = 409


class PermissionDenied(DomainError):
    default_message = _("您的角色无权执行此操作。")
    status_code = 403


class OutOfScope(DomainError):
    """Raised when a write would reach or move an object outside the actor's part of the tree."""

    default_message = _("目标不在您的管辖范围内。")
    status_code = 404


class InvalidInput(DomainError):
    default_message = _("输入无效。")
    status_code = 400
