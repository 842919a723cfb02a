"""The generator against PostgreSQL: the small city keeps the app's invariants, and the load window gives every
index and key back."""

import pytest
from django.db import connection, transaction

pytestmark = pytest.mark.django_db

# each query counts rows that break an invariant the app keeps when the same things happen through it
BROKEN = {
    "a hazard whose last log does not end in its state": """
        SELECT count(*) FROM hazards_hazard h JOIN LATERAL (
            SELECT to_state FROM workflow_transitionlog l WHERE l.content_type_id = %(hazard)s AND l.object_id = h.id
            ORDER BY created_at DESC, id DESC LIMIT 1) last ON true
        WHERE last.to_state <> h.state""",
    "a hazard past its report without a log": """
        SELECT count(*) FROM hazards_hazard h WHERE h.state <> 'reported' AND NOT EXISTS (
            SELECT 1 FROM workflow_transitionlog l WHERE l.content_type_id = %(hazard)s AND l.object_id = h.id)""",
    "a step in the future": """
        SELECT count(*) FROM hazards_hazard WHERE greatest(reported_at, graded_at, rectification_started_at,
            acceptance_requested_at, accepted_at, closed_at) > clock_timestamp()""",
    "a supervised hazard without an open supervision": """
        SELECT count(*) FROM hazards_hazard h WHERE is_supervised AND NOT EXISTS (
            SELECT 1 FROM hazards_supervision s WHERE s.hazard_id = h.id AND s.status = 'open')""",
    "a hazard path that is not its unit's": """
        SELECT count(*) FROM hazards_hazard h JOIN orgs_unit u ON u.id = h.unit_id WHERE h.unit_path <> u.path""",
    "an inspection without an answer for each item": """
        SELECT count(*) FROM inspections_inspection i WHERE (SELECT count(*) FROM inspections_answer a
            WHERE a.inspection_id = i.id) <> (SELECT count(*) FROM inspections_item it
            JOIN inspections_section s ON s.id = it.section_id WHERE s.version_id = i.version_id)""",
    "a failed count that is not the failed answers": """
        SELECT count(*) FROM inspections_inspection i WHERE failed_count <> (SELECT count(*)
            FROM inspections_answer a WHERE a.inspection_id = i.id AND a.result = 'fail')""",
    "a submitted inspection without its log": """
        SELECT count(*) FROM inspections_inspection i WHERE state = 'submitted' AND NOT EXISTS (
            SELECT 1 FROM workflow_transitionlog l WHERE l.content_type_id = %(inspection)s AND l.object_id = i.id)""",
    "a held or cancelled drill without its log": """
        SELECT count(*) FROM drills_drill d WHERE state <> 'planned' AND NOT EXISTS (
            SELECT 1 FROM workflow_transitionlog l WHERE l.content_type_id = %(drill)s AND l.object_id = d.id)""",
    "an emergency plan without a current version": """
        SELECT count(*) FROM drills_emergencyplan WHERE current_version_id IS NULL""",
    "a pupil without a guardian": """
        SELECT count(*) FROM students_pupil p WHERE NOT EXISTS (
            SELECT 1 FROM students_guardianship g WHERE g.pupil_id = p.id)""",
    "a guardian of a pupil at another school": """
        SELECT count(*) FROM students_guardianship s JOIN students_pupil p ON p.id = s.pupil_id
        JOIN students_guardian g ON g.id = s.guardian_id WHERE p.unit_id <> g.unit_id""",
    "a constraint left unvalidated or an index left invalid": """
        SELECT (SELECT count(*) FROM pg_constraint WHERE NOT convalidated)
             + (SELECT count(*) FROM pg_index WHERE NOT indisvalid)""",
}


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the generator writes with COPY: PostgreSQL only")


def _content_types() -> dict[str, int]:
    from django.contrib.contenttypes.models import ContentType

    from xiaoan.drills.models import Drill
    from xiaoan.hazards.models import Hazard
    from xiaoan.inspections.models import Inspection

    return {name: ContentType.objects.get_for_model(model).pk
            for name, model in (("hazard", Hazard), ("inspection", Inspection), ("drill", Drill))}  # fmt: skip


def test_the_small_city_keeps_the_invariants_of_the_app(postgres):
    from bench.generate import generate
    from xiaoan.core.crypto import decrypt
    from xiaoan.students.identity import mobile_hash
    from xiaoan.students.models import Guardian

    stats = generate(scale="small", seed=7, log=lambda message: None)
    assert stats["pupils"] == 20_000 and stats["hazards"] == 4_000
    assert stats["answers"] > 10 * stats["inspections"] > 0
    assert stats["training records"] > stats["training sessions"] > 0
    assert stats["hazard logs"] > 4 * stats["hazards"]
    broken = {}
    with connection.cursor() as cursor:
        for name, sql in BROKEN.items():
            cursor.execute(sql, _content_types())
            broken[name] = cursor.fetchone()[0]
    assert broken == dict.fromkeys(BROKEN, 0)
    guardian = Guardian.objects.order_by("-id").first()
    assert guardian is not None and guardian.mobile.startswith("170")  # read through the field: decrypted
    assert mobile_hash(guardian.mobile) == guardian.mobile_hash
    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile FROM students_guardian WHERE id = %s", [guardian.pk])
        stored = cursor.fetchone()[0]
    assert stored != guardian.mobile and decrypt(stored) == guardian.mobile


def _indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return {row[0] for row in cursor.fetchall()}


def test_the_load_window_drops_the_secondary_indexes_and_gives_them_back(postgres):
    from bench.copying import load_window
    from xiaoan.hazards.models import Hazard

    before = _indexes("hazards_hazard")
    with transaction.atomic(), load_window(Hazard):
        assert _indexes("hazards_hazard") == {"hazards_hazard_pkey"}
    assert _indexes("hazards_hazard") == before and len(before) > 5


def test_a_failed_load_rolls_the_indexes_back_too(postgres):
    from bench.copying import load_window
    from xiaoan.hazards.models import Hazard

    before = _indexes("hazards_hazard")
    with pytest.raises(RuntimeError), transaction.atomic(), load_window(Hazard):
        raise RuntimeError("the load failed")
    assert _indexes("hazards_hazard") == before
