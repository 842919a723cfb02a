"""Who may do what with letters to parents, receipts and home–school activities.

Pupil names are shown only at school level (school staff; a class teacher only for the own classes —
checked in ``selectors.can_see_class``); bureaus see rates, never names.
"""

from xiaoan.orgs.permissions import Rule
from xiaoan.orgs.roles import MANAGERS, OFFICE_ROLES, Role, UnitKind

SCHOOLS = frozenset({UnitKind.SCHOOL})
SCHOOL_STAFF = MANAGERS | {Role.STAFF}

PERMISSIONS = {
    "families.letter.view": OFFICE_ROLES,
    "families.letter.create": MANAGERS,
    "families.letter.change": MANAGERS,
    "families.letter.publish": MANAGERS,
    "families.letter.archive": MANAGERS,
    "families.letter.remind": MANAGERS,
    "families.receipt.view": Rule(roles=SCHOOL_STAFF, kinds=SCHOOLS),
    "families.receipt.record": Rule(roles=SCHOOL_STAFF, kinds=SCHOOLS),
    "families.receipt.export": Rule(roles=MANAGERS, kinds=SCHOOLS),
    "families.receipttally.view": OFFICE_ROLES,
    "families.activity.view": OFFICE_ROLES,
    "families.activity.create": Rule(roles=SCHOOL_STAFF, kinds=SCHOOLS),
}
