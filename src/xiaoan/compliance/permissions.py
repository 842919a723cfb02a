"""Who may read compliance statuses (they are computed: nobody writes them by hand)."""

from xiaoan.orgs.roles import OFFICE_ROLES, Role

PERMISSIONS = {
    "compliance.compliancestatus.view": OFFICE_ROLES,
    "compliance.compliancestatus.export": OFFICE_ROLES - {Role.STAFF},
}
