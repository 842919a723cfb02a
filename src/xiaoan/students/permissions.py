"""Who may do what with the roster. Pupil pages are for schools only; bureaus see counts, never names.

"Own class" (a teacher's rights over the pupils of the class they lead) is checked in the selectors and
services on top of these role rules: a STAFF member may change, export or reveal only their own class.
"""

from xiaoan.orgs.permissions import BUREAUS, Rule
from xiaoan.orgs.roles import MANAGERS, OFFICE_ROLES, Role, UnitKind

SCHOOLS = frozenset({UnitKind.SCHOOL})
SCHOOL_READERS = OFFICE_ROLES  # managers, teachers and read-only members of the school
SCHOOL_STAFF = MANAGERS | {Role.STAFF}

PERMISSIONS = {
    "students.schoolclass.view": Rule(roles=SCHOOL_READERS, kinds=SCHOOLS),
    "students.schoolclass.create": Rule(roles=MANAGERS, kinds=SCHOOLS),
    "students.schoolclass.change": Rule(roles=MANAGERS, kinds=SCHOOLS),
    "students.schoolclass.promote": Rule(roles=frozenset({Role.UNIT_ADMIN, Role.LEADER}), kinds=SCHOOLS),
    "students.pupil.view": Rule(roles=SCHOOL_READERS, kinds=SCHOOLS),
    "students.pupil.create": Rule(roles=SCHOOL_STAFF, kinds=SCHOOLS),
    "students.pupil.change": Rule(roles=SCHOOL_STAFF, kinds=SCHOOLS),
    "students.pupil.reveal": Rule(roles=SCHOOL_STAFF, kinds=SCHOOLS),
    "students.pupil.export": Rule(roles=SCHOOL_STAFF, kinds=SCHOOLS),
    "students.pupil.import": Rule(roles=MANAGERS, kinds=SCHOOLS),
    "students.pupil.transfer": Rule(roles=MANAGERS, kinds=SCHOOLS),
    "students.guardian.view": Rule(roles=SCHOOL_READERS, kinds=SCHOOLS),
    "students.guardianship.view": Rule(roles=SCHOOL_READERS, kinds=SCHOOLS),
    "students.pupilmove.view": Rule(roles=SCHOOL_READERS, kinds=SCHOOLS),
    "students.pupiltransfer.view": Rule(roles=MANAGERS, kinds=SCHOOLS),
    "students.pupiltransfer.accept": Rule(roles=MANAGERS, kinds=SCHOOLS),
    # bureaus: pupils per school and per grade, no names
    "students.overview": Rule(roles=OFFICE_ROLES, kinds=BUREAUS),
}
