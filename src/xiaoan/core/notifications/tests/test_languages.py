"""Notification texts are translatable: delivered in the installation language, Chinese by default."""

import re

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from xiaoan.core.notifications.models import Notification
from xiaoan.core.notifications.registry import EVENTS, register_event
from xiaoan.core.notifications.services import notify

HAN = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def due_context():
    return {"obligation": "Monthly evacuation drill", "period": "2025-03", "end": "2025-03-31", "url": "/compliance/"}


def test_it_delivers_a_registered_event_in_chinese_by_default(city, due_context):
    notify([city.principal], "compliance.due_soon", due_context, channels=("inbox",))

    row = Notification.objects.get(recipient=city.principal)
    assert row.title == "即将到期：Monthly evacuation drill（2025-03）"


@override_settings(LANGUAGE_CODE="en")
def test_it_delivers_a_registered_event_in_english_on_an_english_installation(city, due_context):
    with translation.override("zh-hans"):  # the language of the request that caused it does not matter
        notify([city.principal], "compliance.due_soon", due_context, channels=("inbox",))

    row = Notification.objects.get(recipient=city.principal)
    assert row.title == "Due soon: Monthly evacuation drill (2025-03)"
    assert not HAN.search(row.body)
    assert "2025-03-31" in row.body


def test_it_renders_a_lazy_text_in_the_active_language():
    event = register_event("tests.lazy", _("导入完成：{{ job.original_name }}"), _("隐患待验收：{{ hazard.number }}"))
    context = {"job": {"original_name": "roster.xlsx"}, "hazard": {"number": "YH-1"}}

    with translation.override("en"):
        english = event.render(context)
    with translation.override("zh-hans"):
        chinese = event.render(context)

    assert english[0] == "Import finished: roster.xlsx"
    assert chinese[0] == "导入完成：roster.xlsx"
    assert english[1] == english[2] == "Hazard awaiting acceptance: YH-1"


def test_every_registered_event_has_english_texts():
    events = [event for key, event in EVENTS.items() if not key.startswith("tests.")]
    assert len(events) >= 10
    untranslated = []
    with translation.override("en"):
        for event in events:
            for text in (event.title, event.body, event.sms):
                if HAN.search(str(text)):
                    untranslated.append(event.key)
    assert not untranslated, f"events without English texts: {sorted(set(untranslated))}"
