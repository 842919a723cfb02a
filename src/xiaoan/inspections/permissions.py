"""Who may do what with checklists, plans, inspections, campaigns and the fire-work ledger."""

from xiaoan.orgs.permissions import BUREAUS, Rule
from xiaoan.orgs.roles import ALL_ROLES, MANAGERS, Role, UnitKind

SCHOOLS = frozenset({UnitKind.SCHOOL})
# those who walk the campus with a checklist: managers, teachers on duty and guards on patrol
INSPECTORS = MANAGERS | {Role.STAFF, Role.GUARD}
READERS = ALL_ROLES - {Role.BUS_DRIVER, Role.BUS_ATTENDANT}

PERMISSIONS = {
    "inspections.checklisttemplate.view": READERS,
    "inspections.checklisttemplate.create": MANAGERS,
    "inspections.checklisttemplate.change": MANAGERS,
    "inspections.inspectionplan.view": READERS,
    "inspections.inspectionplan.create": Rule(roles=MANAGERS, kinds=SCHOOLS),
    "inspections.inspectionplan.change": Rule(roles=MANAGERS, kinds=SCHOOLS),
    "inspections.inspection.view": READERS,
    "inspections.inspection.create": Rule(roles=INSPECTORS, kinds=SCHOOLS),
    "inspections.inspection.change": Rule(roles=INSPECTORS, kinds=SCHOOLS),
    "inspections.inspection.submit": Rule(roles=INSPECTORS, kinds=SCHOOLS),
    "inspections.answer.view": READERS,
    "inspections.answer.change": Rule(roles=INSPECTORS, kinds=SCHOOLS),
    "inspections.campaign.view": READERS,
    "inspections.campaign.create": Rule(roles=MANAGERS, kinds=BUREAUS),
    "inspections.campaign.progress": Rule(roles=MANAGERS | {Role.VIEWER}, kinds=BUREAUS),
    "inspections.ledger.export": MANAGERS | {Role.VIEWER},
}
