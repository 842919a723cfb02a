"""The roster import at scale: errors and keys kept out of memory, files read as a stream, pupils matched against the
roll as it was before the import (whatever the chunk size), and look-ups planned as index probes."""

import csv
import datetime
import io

import pytest
from django.db import connection
from openpyxl import Workbook

from xiaoan.core.tabular import scratch
from xiaoan.core.tabular.models import ImportJob
from xiaoan.core.tabular.testing import read_sheet, xlsx_bytes
from xiaoan.core.tabular.validation import validate_file
from xiaoan.students.bulk import RosterWriter, tables
from xiaoan.students.imports import RosterImport
from xiaoan.students.models import Pupil
from xiaoan.students.testing import import_roster, make_class, make_pupil, roster_csv_lines, valid_id_number

run = import_roster


def roster_rows(count: int, *, first: int = 0) -> list[list[str]]:
    return list(csv.reader(roster_csv_lines(count, first=first)))


def pupils(city):
    return Pupil.objects.system("test").filter(unit=city.school_a1)


def test_a_file_whose_every_row_is_wrong_lists_every_row_in_the_error_workbook(city, monkeypatch):
    monkeypatch.setattr(scratch, "KEEP_IN_MEMORY", 50)  # so the error log goes to disk after 50 errors
    monkeypatch.setattr(scratch, "BATCH", 100)
    lines = roster_rows(1_500)
    for line in lines[1:]:
        line[4] = "4.11302201603E+17"  # an ID number Excel stored as a number
    job = run(city, "".join(",".join(line) + "\n" for line in lines).encode())
    assert job.state == ImportJob.State.FAILED
    assert job.error_count == 1_500
    content = job.error_file.open("rb").read()
    listing = read_sheet(content, "错误 Errors")
    assert [row[0] for row in listing[1:]] == list(range(2, 1_502))
    assert all("Excel" in row[2] for row in listing[1:])
    data = read_sheet(content, "数据 Data")
    assert all(row[-1].startswith("身份证号：") for row in data[1:])
    assert not pupils(city).exists()


def test_two_rows_with_one_student_number_are_refused_even_when_chunks_apart(city):
    lines = roster_rows(2_100)
    last = ["三年级（1）班", "新生", "男", "S00000005", valid_id_number(sequence=777), "", "", "", "", "", ""]
    job = run(city, "".join(",".join(line) + "\n" for line in [*lines, last]).encode())
    assert job.state == ImportJob.State.FAILED
    listing = read_sheet(job.error_file.open("rb").read(), "错误 Errors")
    assert [(row[0], row[1], "第 7 行" in row[2]) for row in listing[1:]] == [(2_102, "学号", True)]
    assert not pupils(city).exists()


@pytest.mark.parametrize("chunk_rows", [1, 1_000])
def test_rows_are_matched_against_the_roll_as_it_was_before_the_import_whatever_the_chunk_size(city, chunk_rows):
    school_class = make_class(city.school_a1, grade=3, number=1, school_year=school_year())
    born = datetime.date(2016, 5, 9)
    existing = make_pupil(school_class, name="乙", id_number="", gender="F", date_of_birth=born)
    id_number = valid_id_number(datetime.date(2016, 3, 7), 41)
    content = (
        "班级,姓名,性别,出生日期,身份证号\n"
        f"三年级（1）班,甲,男,2016-03-07,{id_number}\n"
        "三年级（1）班,甲,男,2016-03-07,\n"  # no number: not the pupil the row above adds, a second 甲
        "三年级（1）班,乙,女,2016-05-09,\n"  # no number: the 乙 the school has
    ).encode()
    spec = RosterImport(actor=city.principal, unit=city.school_a1)
    outcome = validate_file(spec, io.BytesIO(content))
    assert outcome.ok, list(outcome.errors)
    writer = RosterWriter(spec=spec, unit=city.school_a1, actor=city.principal, today=today(), chunk_rows=chunk_rows)
    result = writer.write(outcome.rows)
    assert (result.created, result.updated + result.unchanged) == (2, 1)
    assert sorted(pupils(city).values_list("name", flat=True)) == ["乙", "甲", "甲"]
    assert pupils(city).get(name="乙").pk == existing.pk


@pytest.mark.parametrize("writer", ["inline strings", "shared strings"])
def test_an_xlsx_roster_of_thousands_of_rows_is_read_as_a_stream(city, monkeypatch, writer):
    import python_calamine

    def refuse(*_args, **_kwargs):
        raise AssertionError("an xlsx is streamed, not loaded whole by calamine")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)
    rows = roster_rows(2_500)
    if writer == "inline strings":
        content = xlsx_bytes(rows)
    else:
        workbook = Workbook()  # the normal mode writes the shared-string table Excel and WPS write
        for row in rows:
            workbook.active.append(row)
        out = io.BytesIO()
        workbook.save(out)
        content = out.getvalue()
    job = run(city, content, name="名册.xlsx")
    assert job.state == ImportJob.State.SUCCEEDED, job.message
    assert job.created_count == 2_500
    assert job.total_rows == 2_500


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_look_ups_probe_an_index_per_key_even_before_the_new_rows_have_statistics(city, monkeypatch):
    with connection.cursor() as cursor:  # a big roll written in this transaction: no statistics describe it yet
        cursor.execute(
            "INSERT INTO students_pupil (unit_id, name, gender, student_number, id_number, status, created_at,"
            " updated_at) SELECT %s, '学生' || n, 'M', 'S' || n, '', 'enrolled', now(), now()"
            " FROM generate_series(1, 60000) AS n",
            [city.school_a1.pk],
        )
    captured = []
    monkeypatch.setattr(tables, "select", lambda sql, params: captured.append((sql, params)) or [])
    tables.lookup(
        "SELECT p.id FROM students_pupil p WHERE p.unit_id = %s AND p.name {key}",
        {f"学生{n}" for n in range(0, 4_000, 2)},  # a chunk's worth of names, half of them on the roll
        [city.school_a1.pk],
    )
    (sql, params) = captured[0]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "pupil_unit_name" in plan, plan[:600]  # not every pupil of the school, filtered by name
    assert "Seq Scan on students_pupil" not in plan, plan[:600]


def lookup_plan(monkeypatch, sql: str, values: set[str], params: list) -> str:
    captured: list = []
    monkeypatch.setattr(tables, "select", lambda statement, arguments: captured.append((statement, arguments)) or [])
    tables.lookup(sql, values, params)
    monkeypatch.undo()
    (statement, arguments) = captured[0]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + statement, arguments)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_statistics_are_refreshed_so_a_table_counted_as_empty_is_probed_by_its_key(city, monkeypatch):
    from xiaoan.students.bulk.roster import STATISTICS

    job = run(city, "".join(roster_csv_lines(3_000)).encode())
    assert job.state == ImportJob.State.SUCCEEDED
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'students_pupil'")
        assert cursor.fetchone()[0] >= 2_000  # analysed after the first chunk: the rows of its own transaction
        cursor.execute(  # a city's guardians written in this transaction, then what a rolled-back import leaves
            "INSERT INTO students_guardian (unit_id, name, mobile, mobile_hash, created_at)"
            " SELECT %s, '家长' || n, '', md5(n::text) || md5(n::text), now() FROM generate_series(1, 300000) AS n",
            [city.school_a1.pk],
        )
        cursor.execute("UPDATE pg_class SET reltuples = 0 WHERE relname = 'students_guardian'")
    sql = "SELECT id FROM students_guardian WHERE unit_id = %s AND mobile_hash {key}"
    digests = {f"{n:064x}" for n in range(2_000)}
    trap = lookup_plan(monkeypatch, sql, digests, [city.school_a1.pk])
    assert "Index Cond: (unit_id = " in trap, trap  # every guardian of the school, per key
    tables.refresh_statistics(STATISTICS)
    plan = lookup_plan(monkeypatch, sql, digests, [city.school_a1.pk])
    assert "Index Cond: (unit_id = " not in plan and "mobile_hash)::text = k.value" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's locks")
def test_an_import_waits_only_briefly_for_the_statistics_lock_another_import_holds(city):
    import time

    import psycopg

    with psycopg.connect(**connection.get_connection_params()) as other:  # another import, mid-transaction
        other.execute("LOCK TABLE students_pupil IN SHARE UPDATE EXCLUSIVE MODE")
        started = time.monotonic()
        tables.refresh_statistics({Pupil: ("name",)})
        assert time.monotonic() - started < 5
        assert not pupils(city).exists()  # and this import's transaction goes on
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('lock_timeout')")
            assert cursor.fetchone()[0] == "0"  # as it was


def school_year() -> int:
    from xiaoan.students.grades import school_year_of

    return school_year_of(today())


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()
