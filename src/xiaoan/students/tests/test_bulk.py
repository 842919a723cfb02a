import io
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xiaoan.core.crypto import decrypt
from xiaoan.core.tabular.models import ImportJob
from xiaoan.core.tabular.testing import read_sheet
from xiaoan.core.tabular.validation import validate_file
from xiaoan.students.bulk import CHUNK_ROWS, RosterWriter, Sealer
from xiaoan.students.identity import id_hash, mobile_hash
from xiaoan.students.imports import RosterImport
from xiaoan.students.models import Guardian, Guardianship, Pupil, PupilMove
from xiaoan.students.testing import import_roster, make_class, make_pupil, roster_csv_lines, valid_id_number


def roster_csv(count: int, *, first: int = 0, last_line: str = "") -> bytes:
    return ("".join(roster_csv_lines(count, first=first)) + last_line).encode()


run = import_roster


def counts(city) -> tuple[int, int, int]:
    return (
        Pupil.objects.system("test").filter(unit=city.school_a1).count(),
        Guardian.objects.system("test").filter(unit=city.school_a1).count(),
        Guardianship.objects.system("test").filter(pupil__unit=city.school_a1).count(),
    )


def commit_queries(city, content: bytes) -> int:
    """Statements the commit of a validated file issues (validation and progress writes left out)."""
    spec = RosterImport(actor=city.principal, unit=city.school_a1)
    outcome = validate_file(spec, io.BytesIO(content))
    assert outcome.ok, outcome.errors[:3]
    with CaptureQueriesContext(connection) as queries:
        spec.apply(outcome.rows, actor=city.principal, unit=city.school_a1)
    return len(queries)


def test_it_writes_a_large_roster_in_a_number_of_statements_that_grows_with_chunks_not_rows(city):
    few = commit_queries(city, roster_csv(1_000))
    many = commit_queries(city, roster_csv(5_000, first=1_000))
    chunks = math.ceil(5_000 / CHUNK_ROWS)
    assert many <= few * chunks
    assert many < 5_000 / 50  # the row-by-row writer needed about six per row
    assert counts(city) == (6_000, 6_000 + 3_000 - 600, 9_000)


def test_it_imports_five_thousand_pupils_with_guardians_and_siblings_sharing_one_guardian(city):
    job = run(city, roster_csv(5_000))
    assert job.state == ImportJob.State.SUCCEEDED, job.message
    assert (job.created_count, job.updated_count, job.unchanged_count) == (5_000, 0, 0)
    # every tenth pupil is the younger sibling of the one before: 500 mothers shared
    assert counts(city) == (5_000, 7_500 - 500, 7_500)
    sibling = Pupil.objects.system("test").get(unit=city.school_a1, student_number="S00000011")
    mother = sibling.guardianships.get(order=1).guardian
    assert mother.mobile == "13900000010"
    assert mother.guardianships.count() == 2
    assert PupilMove.objects.system("test").filter(kind="enrolment").count() == 5_000


def test_reimporting_a_large_roster_duplicates_nothing_and_counts_only_real_changes(city):
    run(city, roster_csv(3_000))
    before = counts(city)
    again = run(city, roster_csv(3_000))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3_000)
    assert counts(city) == before
    edited = roster_csv(3_000).decode().replace(",家长20,母亲,13900000020", ",家长20,母亲,13600000020")
    edited = edited.replace(",学生2999,", ",学生两千九百九十九,")
    third = run(city, edited.encode())
    # pupils 20 and 21 (siblings: one mother) and pupil 2999
    assert (third.created_count, third.updated_count, third.unchanged_count) == (0, 3, 2_997)
    assert counts(city) == before  # the mother's old row lost both her pupils and is gone
    assert not Guardian.objects.system("test").filter(mobile_hash=mobile_hash("13900000020")).exists()
    pupil = Pupil.objects.system("test").get(unit=city.school_a1, student_number="S00000020")
    assert pupil.guardianships.get(order=1).guardian.mobile == "13600000020"


def test_a_bad_row_at_the_end_of_a_large_file_writes_nothing_and_is_named_in_the_error_workbook(city):
    job = run(city, roster_csv(5_000, last_line="三年级（1）班,末行,男,LAST,411302201401010100,,,,,,\n"))
    assert job.state == ImportJob.State.FAILED
    assert counts(city) == (0, 0, 0)
    listing = read_sheet(job.error_file.open("rb").read(), "错误 Errors")
    assert [(row[0], row[1]) for row in listing[1:]] == [(5_002, "身份证号")]


def test_a_conflict_found_while_writing_the_last_chunk_rolls_back_the_chunks_already_written(city):
    school_class = make_class(city.school_a1)
    first = make_pupil(school_class, name="甲", student_number="S00000001", id_number=valid_id_number(sequence=901))
    make_pupil(school_class, name="乙", student_number="TAKEN", id_number=valid_id_number(sequence=902))
    before = counts(city)
    # the last row names pupil 甲 by ID number but gives 乙's student number
    last = f"三年级（1）班,甲,男,TAKEN,{first.id_number},,,,,,\n"
    job = run(city, roster_csv(CHUNK_ROWS + 10, first=10, last_line=last))
    assert job.state == ImportJob.State.FAILED
    assert "学号或身份证号" in job.message
    assert counts(city) == before


def test_the_same_pupil_twice_in_a_large_file_is_found_across_spilled_batches(city):
    content = roster_csv(6_000) + "".join(list(roster_csv_lines(1, first=7))[1:]).encode()
    job = run(city, content)
    assert job.state == ImportJob.State.FAILED
    listing = read_sheet(job.error_file.open("rb").read(), "错误 Errors")
    assert [(row[0], "第 9 行" in row[2]) for row in listing[1:]] == [(6_002, True)]


def test_the_sealer_writes_what_the_field_reads_and_the_hashes_the_lookups_use(city):
    sealer = Sealer()
    id_number = valid_id_number()
    assert decrypt(sealer.seal(id_number)) == id_number
    assert sealer.seal(id_number) != sealer.seal(id_number)  # a fresh nonce each time
    assert sealer.digest("id:", id_number) == id_hash(id_number)
    assert sealer.digest("mobile:", "13812341234") == mobile_hash("13812341234")
    assert sealer.digest("id:", "") is None


def test_numbers_written_in_bulk_are_encrypted_in_the_raw_row(city):
    run(city, roster_csv(10))
    pupil = Pupil.objects.system("test").get(unit=city.school_a1, student_number="S00000003")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM students_pupil WHERE id = %s", [pupil.pk])
        (raw_id,) = cursor.fetchone()
        cursor.execute("SELECT mobile FROM students_guardian WHERE unit_id = %s", [city.school_a1.pk])
        raw_mobiles = [row[0] for row in cursor.fetchall()]
    assert pupil.id_number not in raw_id and decrypt(raw_id) == pupil.id_number
    assert not any(mobile.startswith(("139", "137")) for mobile in raw_mobiles)


@pytest.mark.parametrize("chunk_rows", [7, 1_000])
def test_the_result_does_not_depend_on_the_chunk_size(city, chunk_rows):
    spec = RosterImport(actor=city.principal, unit=city.school_a1)
    outcome = validate_file(spec, io.BytesIO(roster_csv(50)))
    writer = RosterWriter(
        spec=spec, unit=city.school_a1, actor=city.principal, today=city_today(), chunk_rows=chunk_rows
    )
    result = writer.write(outcome.rows)
    assert (result.created, result.updated, result.unchanged) == (50, 0, 0)
    assert counts(city) == (50, 75 - 5, 75)


def city_today():
    from django.utils import timezone

    return timezone.localdate()
