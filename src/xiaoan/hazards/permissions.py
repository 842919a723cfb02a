"""Who may do what with hazards. Which *unit* may fire a transition (the hazard's own unit, or the
supervising unit of a listed hazard) is checked by the transition guards in ``workflow.py``."""

from xiaoan.orgs.permissions import BUREAUS, Rule
from xiaoan.orgs.roles import ALL_ROLES, Role

MANAGERS = frozenset({Role.UNIT_ADMIN, Role.LEADER, Role.SAFETY_OFFICER})
REPORTERS = frozenset(
    {Role.UNIT_ADMIN, Role.LEADER, Role.SAFETY_OFFICER, Role.STAFF, Role.GUARD, Role.BUS_DRIVER, Role.BUS_ATTENDANT}
)
HANDLERS = frozenset({Role.LEADER, Role.SAFETY_OFFICER})

PERMISSIONS: dict[str, Rule | frozenset[str]] = {
    "hazards.hazard.view": ALL_ROLES,
    "hazards.hazard.report": REPORTERS,
    "hazards.hazard.export": MANAGERS | {Role.VIEWER},
    "hazards.hazard.poster": MANAGERS,  # print the school's 随手拍 QR poster
    # transitions (the guards add the unit level)
    "hazards.hazard.grade": HANDLERS,
    "hazards.hazard.reject": HANDLERS,
    "hazards.hazard.assign": HANDLERS,
    "hazards.hazard.rectify": HANDLERS | {Role.STAFF},  # staff only as the responsible person
    "hazards.hazard.accept": frozenset({Role.LEADER}),
    "hazards.hazard.close": HANDLERS,
    "hazards.hazard.accept_supervised": Rule(roles=HANDLERS, kinds=BUREAUS),
    "hazards.hazard.close_supervised": Rule(roles=HANDLERS, kinds=BUREAUS),
    # evidence is added only through the workflow services and never removed through the files panel
    "hazards.hazard.attach": frozenset(),
    # 挂牌督办
    "hazards.supervision.view": ALL_ROLES,
    "hazards.supervision.create": Rule(roles=HANDLERS, kinds=BUREAUS),
    "hazards.supervisionreport.create": HANDLERS | {Role.STAFF},
}
