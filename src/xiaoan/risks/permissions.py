"""Who may do what with risk points: every office role reads within its scope; a school's managers write."""

from xiaoan.orgs.permissions import Rule
from xiaoan.orgs.roles import MANAGERS, OFFICE_ROLES, UnitKind

SCHOOL_MANAGERS = Rule(roles=MANAGERS, kinds=frozenset({UnitKind.SCHOOL}))

PERMISSIONS = {
    "risks.riskpoint.view": OFFICE_ROLES,
    "risks.riskpoint.export": OFFICE_ROLES,
    "risks.riskpoint.create": SCHOOL_MANAGERS,
    "risks.riskpoint.change": SCHOOL_MANAGERS,
    "risks.riskpoint.review": SCHOOL_MANAGERS,
    "risks.riskreview.view": OFFICE_ROLES,
}
