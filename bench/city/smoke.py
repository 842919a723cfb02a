"""A quick look at the generated city through the app: sign in as a city, a county and a school user (the
benchmark's page users) and time the home page and the hazard list in-process with Django's test client —
the pages the city-scale targets are about (list pages < 200 ms, region widgets < 100 ms). Not the benchmark:
no server, one request at a time; it shows whether the pages answer at this volume and how many queries
they run."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

PAGES = (("home", "/"), ("hazard list", "/hazards/"))
USERS = (("city", "city_officer"), ("county", "wancheng_officer"), ("school", "safety_officer"))
WARM, REPEAT = 2, 10


def smoke() -> list[str]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from xiaoan.core.rules.services import reset_memo
    from xiaoan.orgs.models import User

    reset_memo()  # the generator wrote rule values behind the rules' in-process copy
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    lines = [f"smoke: {WARM} warm-up requests, then {REPEAT} timed, per page and user"]
    for level, username in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            lines.append(f"  {level:6} no user {username}")
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for label, path in PAGES:
            for _ in range(WARM):
                client.get(path)
            times, statuses, queries = [], set(), 0
            for _ in range(REPEAT):
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - began) * 1000)
                statuses.add(response.status_code)
                queries = len(captured)
            times.sort()
            lines.append(
                f"  {level:6} {label:12} median {statistics.median(times):7.1f} ms  max {times[-1]:7.1f} ms  "
                f"queries {queries:3}  status {sorted(statuses)}"
            )
    return lines
