"""Who may do what with safety assets: office roles and guards read; a school's managers keep the register;
managers and guards record checks."""

from xiaoan.orgs.permissions import Rule
from xiaoan.orgs.roles import MANAGERS, OFFICE_ROLES, Role, UnitKind

SCHOOLS = frozenset({UnitKind.SCHOOL})

PERMISSIONS = {
    "assets.safetyasset.view": OFFICE_ROLES | {Role.GUARD},
    "assets.safetyasset.export": OFFICE_ROLES,
    "assets.safetyasset.create": Rule(roles=MANAGERS, kinds=SCHOOLS),
    "assets.safetyasset.change": Rule(roles=MANAGERS, kinds=SCHOOLS),
    "assets.safetyasset.check": Rule(roles=MANAGERS | {Role.GUARD}, kinds=SCHOOLS),
    "assets.assetcheck.view": OFFICE_ROLES | {Role.GUARD},
}
