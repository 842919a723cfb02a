"""Who may read the audit trail. Role names are plain strings: core does not import the org app."""

PERMISSIONS: dict[str, set[str]] = {
    "audit.auditevent.view": {"unit_admin", "leader"},
    # reads of minors' personal data are shown to administrators only
    "audit.auditevent.view_sensitive": {"unit_admin"},
}
