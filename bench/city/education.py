"""Safety-education activities of every school, several a semester for three school years, from the education
module's demo catalogue, with one row per topic covered."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from .plans import School, first_day, rng_for, semesters
from .staff import Posts

PER_SEMESTER = (5, 10)
ORGANISERS = ("政教处", "安全办", "少先队大队部", "班主任", "德育处")
ACTIVITY_COLUMNS = ("id", "unit_id", "title", "date", "form", "grade", "classes_reached", "headcount", "organiser",
                    "summary", "recorded_by_id", "created_at", "updated_at")  # fmt: skip


def activity_dates(rng: random.Random, first: dt.date, last: dt.date, count: int) -> list[dt.date]:
    """``count`` days between ``first`` and ``last`` (both included), in order."""
    span = max(0, (last - first).days)
    return sorted(first + dt.timedelta(days=rng.randint(0, span)) for _ in range(count))


def activity_rows(
    schools: list[School], posts: dict[int, Posts], seed: int, today: dt.date, first_id: int, topics: list[tuple]
) -> Iterator[tuple]:
    """Activity rows; their topic rows are appended to ``topics``."""
    from django.utils import timezone

    from xiaoan.education.demo import GRADES, TEMPLATES

    tz, activity_id = timezone.get_current_timezone(), first_id
    terms = semesters(first_day(today), today)
    for school in schools:
        rng, recorder = rng_for(seed, "education", school.id), posts.get(school.id, Posts()).manager
        for first, last in terms:
            chosen = rng.sample(TEMPLATES, min(len(TEMPLATES), rng.randint(*PER_SEMESTER)))
            if last >= today:  # the current semester so far: in proportion to the part gone by
                chosen = chosen[: max(1, len(chosen) * (last - first).days // 183)]
            for (title, form, covered, summary), day in zip(
                chosen, activity_dates(rng, first, last, len(chosen)), strict=True
            ):
                whole = form in ("assembly", "drill", "talk")
                classes = max(1, school.headcount // 45) if whole else rng.randint(1, 4)
                headcount = min(school.headcount, classes * rng.randint(38, 50)) if school.headcount else classes * 40
                recorded = dt.datetime.combine(day, dt.time(17), tzinfo=tz)
                yield (activity_id, school.id, title, day, str(form), "" if whole else rng.choice(GRADES), classes,
                       headcount, rng.choice(ORGANISERS), summary, recorder, recorded, recorded)  # fmt: skip
                topics.extend((activity_id, str(topic)) for topic in covered)
                activity_id += 1


def write_education(schools: list[School], posts: dict[int, Posts], seed: int, today: dt.date) -> dict[str, int]:
    from xiaoan.education.models import ActivityTopic, EducationActivity

    from ..copying import copy_rows, next_id, sync_sequence

    topics: list[tuple] = []
    activities = copy_rows(
        EducationActivity,
        ACTIVITY_COLUMNS,
        activity_rows(schools, posts, seed, today, next_id(EducationActivity), topics),
    )
    sync_sequence(EducationActivity)
    return {
        "education activities": activities,
        "activity topics": copy_rows(ActivityTopic, ("activity_id", "topic"), topics),
    }
