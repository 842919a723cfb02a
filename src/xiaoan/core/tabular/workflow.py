"""States of an import job: queued → running → succeeded | failed; a queued job may be cancelled."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from xiaoan.core.scoping import get_policy
from xiaoan.core.workflow.engine import Transition, Workflow

from .models import ImportJob

State = ImportJob.State


def _uploader_or_admin(job: ImportJob, actor: Any) -> Any:
    if job.actor_id == getattr(actor, "pk", None):
        return None
    if get_policy().allows(actor, "tabular.importjob.cancel_others", path=job.scope_path):
        return None
    return _("只有上传人或单位管理员可以取消。 Only the uploader or an administrator can cancel.")


def tell_the_uploader(job: ImportJob, log: Any) -> None:
    """After a job ends, the uploader finds the outcome in the inbox (and by email when they have one)."""
    from xiaoan.core.notifications.services import notify

    event = "tabular.import_succeeded" if job.state == State.SUCCEEDED else "tabular.import_failed"
    notify([job.actor], event, {"job": job, "url": job.get_absolute_url()})


IMPORT_WORKFLOW = Workflow(
    transitions=[
        Transition("start", frozenset({State.QUEUED}), State.RUNNING, _("开始处理")),
        Transition("succeed", frozenset({State.RUNNING}), State.SUCCEEDED, _("完成"), after_commit=tell_the_uploader),
        Transition(
            "fail",
            frozenset({State.QUEUED, State.RUNNING}),
            State.FAILED,
            _("标记为未通过"),
            after_commit=tell_the_uploader,
        ),
        Transition(
            "cancel",
            frozenset({State.QUEUED}),
            State.CANCELLED,
            _("取消"),
            permission="tabular.importjob.cancel",
            guard=_uploader_or_admin,
        ),
    ]
)
