"""The baseline view: the same single-row UPDATE pgbench runs (see bench.limits.UPDATE_SQL)."""

import random

from django.db import connection
from django.http import HttpRequest, HttpResponse

from bench.limits import COUNTER_ROWS, UPDATE_SQL


def update(request: HttpRequest) -> HttpResponse:
    row = random.randint(1, COUNTER_ROWS)
    with connection.cursor() as cursor:
        cursor.execute(UPDATE_SQL.replace(":id", "%s"), [row])
        updated = cursor.rowcount
    return HttpResponse(f"updated {updated}\n", content_type="text/plain")


def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")
