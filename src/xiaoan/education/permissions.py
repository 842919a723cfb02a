"""Who may see and record safety-education activities."""

from xiaoan.orgs.permissions import Rule
from xiaoan.orgs.roles import OFFICE_ROLES, Role, UnitKind

RECORDERS = frozenset({Role.UNIT_ADMIN, Role.LEADER, Role.SAFETY_OFFICER, Role.STAFF})
SCHOOLS = frozenset({UnitKind.SCHOOL})

PERMISSIONS = {
    "education.educationactivity.view": OFFICE_ROLES,
    "education.educationactivity.create": Rule(roles=RECORDERS, kinds=SCHOOLS),
    "education.educationactivity.change": Rule(roles=RECORDERS, kinds=SCHOOLS),
    "education.educationactivity.export": OFFICE_ROLES,
    "education.activitytopic.view": OFFICE_ROLES,
}
