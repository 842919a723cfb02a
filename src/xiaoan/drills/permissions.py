"""Schools plan and record their own drills and plans; bureaus and viewers read them."""

from xiaoan.orgs.permissions import Rule
from xiaoan.orgs.roles import MANAGERS, OFFICE_ROLES, UnitKind

SCHOOL_WORK = Rule(roles=frozenset(MANAGERS), kinds=frozenset({UnitKind.SCHOOL}))
READERS = OFFICE_ROLES

PERMISSIONS = {
    "drills.drill.view": READERS,
    "drills.drill.create": SCHOOL_WORK,
    "drills.drill.change": SCHOOL_WORK,
    "drills.drillfollowup.view": READERS,
    "drills.drillfollowup.change": SCHOOL_WORK,
    "drills.emergencyplan.view": READERS,
    "drills.emergencyplan.create": SCHOOL_WORK,
    "drills.emergencyplan.change": SCHOOL_WORK,
    "drills.planversion.view": READERS,
    "drills.planversion.change": SCHOOL_WORK,
}
