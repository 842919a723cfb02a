"""Transition logs, written last and together (one load window on the shared log table): every step each
generated hazard went through, the submission of each inspection, the record or cancellation of each drill —
the rows the workflow engine writes when the same things happen in the app, with the same actors and times."""

from __future__ import annotations

from .staff import Posts

RETURN_COMMENT = "整改不到位，退回"
REJECT_COMMENT = "经核查不构成隐患"
CANCEL_COMMENT = "因天气原因取消，另行安排"
LOG_COLUMNS = "content_type_id, object_id, transition, from_state, to_state, actor_id, comment, created_at"
# One in ten accepted hazards was sent back once: a first request six days and a return four days before the last.
RETURNED = "h.accepted_at IS NOT NULL AND h.id %% 10 = 0"
# (transition, from, to, actor, comment, time) of each hazard; a NULL time: the step was not taken
HAZARD_STEPS = f"""(VALUES
    ('grade', 'reported', 'graded', o.officer, '', h.graded_at),
    ('assign', 'graded', 'rectifying', o.officer, '', h.rectification_started_at),
    ('request_acceptance', 'rectifying', 'acceptance_requested', h.responsible_id, '',
        CASE WHEN {RETURNED} THEN h.acceptance_requested_at - interval '6 days' END),
    ('return', 'acceptance_requested', 'rectifying', COALESCE(o.leader, o.officer), '{RETURN_COMMENT}',
        CASE WHEN {RETURNED} THEN h.acceptance_requested_at - interval '4 days' END),
    ('request_acceptance', 'rectifying', 'acceptance_requested', h.responsible_id, '', h.acceptance_requested_at),
    ('accept', 'acceptance_requested', 'accepted', COALESCE(o.leader, o.officer), '', h.accepted_at),
    ('close', 'accepted', 'closed', o.officer, '', CASE WHEN h.state = 'closed' THEN h.closed_at END),
    ('reject', 'reported', 'rejected', o.officer, '{REJECT_COMMENT}',
        CASE WHEN h.state = 'rejected' THEN h.closed_at END)
) AS v (transition, from_state, to_state, actor, comment, at)"""


def post_table(posts: dict[int, Posts]) -> None:
    """A temporary table of every unit's posts, for the joins below."""
    from django.db import connection

    from ..copying import execute

    execute(
        "CREATE TEMP TABLE bench_unit_posts (unit_id bigint PRIMARY KEY, leader bigint, officer bigint) ON COMMIT DROP"
    )
    with connection.connection.cursor() as cursor, cursor.copy("COPY bench_unit_posts FROM STDIN") as copy:
        for unit_id, unit in posts.items():
            copy.write_row((unit_id, unit.leader, unit.officer))
    execute("ANALYZE bench_unit_posts")


def drill_logs(drills: str, log: str) -> str:
    """Every held or cancelled drill without a log (the drills seeder writes its drills without them)."""
    return (
        "SELECT %(type)s, d.id, CASE d.state WHEN 'held' THEN 'record' ELSE 'cancel' END, 'planned', d.state, "  # noqa: S608
        f"COALESCE(d.created_by_id, o.officer), CASE d.state WHEN 'held' THEN '' ELSE '{CANCEL_COMMENT}' END, "
        "COALESCE(d.held_at, d.created_at + interval '6 days') "
        f"FROM {drills} d LEFT JOIN bench_unit_posts o ON o.unit_id = d.unit_id "
        "WHERE d.id >= %(first)s AND d.state IN ('held', 'cancelled') AND NOT EXISTS "
        f"(SELECT 1 FROM {log} l WHERE l.content_type_id = %(type)s AND l.object_id = d.id)"
    )


def hazard_logs(hazards: str) -> str:
    return (
        "SELECT %(type)s, h.id, v.transition, v.from_state, v.to_state, v.actor, v.comment, v.at "  # noqa: S608
        f"FROM {hazards} h LEFT JOIN bench_unit_posts o ON o.unit_id = h.unit_id CROSS JOIN LATERAL {HAZARD_STEPS} "
        "WHERE h.id >= %(first)s AND v.at IS NOT NULL"
    )


def inspection_logs(inspections: str) -> str:
    return (
        "SELECT %(type)s, i.id, 'submit', 'draft', 'submitted', i.inspector_id, '', i.submitted_at "  # noqa: S608
        f"FROM {inspections} i WHERE i.id >= %(first)s AND i.state = 'submitted'"
    )


def write_logs(posts: dict[int, Posts], since: dict[str, int]) -> dict[str, int]:
    """Logs of the drills, hazards and inspections from the ids in ``since`` on (keys: module labels)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from xiaoan.core.workflow.models import TransitionLog

    from ..copying import execute, load_window, table

    post_table(posts)
    log = table(TransitionLog)
    # drills first: their NOT EXISTS reads the log table while it is still small
    statements = {
        "drills": ("drill logs", "drills.Drill", lambda name: drill_logs(name, log)),
        "hazards": ("hazard logs", "hazards.Hazard", hazard_logs),
        "inspections": ("inspection logs", "inspections.Inspection", inspection_logs),
    }
    counts: dict[str, int] = {}
    with load_window(TransitionLog):
        for key, (label, model_name, select) in statements.items():
            if key in since:
                model = apps.get_model(model_name)
                params = {"type": ContentType.objects.get_for_model(model).pk, "first": since[key]}
                counts[label] = execute(f"INSERT INTO {log} ({LOG_COLUMNS}) {select(table(model))}", params)
    return counts
