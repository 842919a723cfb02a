"""Writes of the roster, in two modules: ``roster`` (classes, pupils, guardians, leaving school) and ``moves``
(year-end promotion, transfers between schools)."""

from .moves import PromotionResult, promoted_name, school_promote, transfer_accept, transfer_cancel, transfer_request
from .roster import (
    MAX_GUARDIANS,
    GuardianInput,
    class_create,
    class_update,
    guardian_for,
    keep_mobiles,
    pupil_create,
    pupil_leave,
    pupil_move_class,
    pupil_update,
    set_guardians,
)

__all__ = [
    "MAX_GUARDIANS",
    "GuardianInput",
    "PromotionResult",
    "class_create",
    "class_update",
    "guardian_for",
    "keep_mobiles",
    "promoted_name",
    "pupil_create",
    "pupil_leave",
    "pupil_move_class",
    "pupil_update",
    "school_promote",
    "set_guardians",
    "transfer_accept",
    "transfer_cancel",
    "transfer_request",
]
