"""A drill is planned, then recorded as held, or cancelled."""

from django.utils.translation import gettext_lazy as _

from xiaoan.core.workflow.engine import Transition, Workflow

from .models import Drill

State = Drill.State

DRILL_WORKFLOW = Workflow(
    transitions=[
        Transition("record", frozenset({State.PLANNED}), State.HELD, _("记录演练"), permission="drills.drill.change"),
        Transition(
            "cancel",
            frozenset({State.PLANNED}),
            State.CANCELLED,
            _("取消演练"),
            permission="drills.drill.change",
            needs_comment=True,
        ),
    ]
)
