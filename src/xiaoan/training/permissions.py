"""Who may see and record training."""

from xiaoan.orgs.roles import MANAGERS, OFFICE_ROLES

PERMISSIONS = {
    "training.trainingsession.view": OFFICE_ROLES,
    "training.trainingsession.create": MANAGERS,
    "training.trainingsession.change": MANAGERS,
    "training.trainingsession.export": OFFICE_ROLES,
    "training.trainingrecord.view": OFFICE_ROLES,
    "training.trainingrecord.import": MANAGERS,
}
