"""Who may see and cancel import jobs. Role names are plain strings: core does not import the org app.

Starting an import is governed by each spec's own permission (e.g. ``orgs.unit.import``).
"""

PERMISSIONS: dict[str, set[str]] = {
    "tabular.importjob.view": {"unit_admin", "leader", "safety_officer", "viewer"},
    # the uploader may cancel a queued job; an administrator of the unit may cancel anyone's
    "tabular.importjob.cancel": {"unit_admin", "leader", "safety_officer", "staff"},
    "tabular.importjob.cancel_others": {"unit_admin"},
}
