"""Texts that used to be glued together in Chinese read correctly in English: lists, dates, counts, page titles."""

import datetime as dt

from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from xiaoan.hazards.deadlines import NUMBERS_SHOWN, _numbers
from xiaoan.hazards.views.documents import _signed_on
from xiaoan.orgs.models import Unit

MANY = [f"YH-{n}" for n in range(NUMBERS_SHOWN + 2)]


def test_it_lists_hazard_numbers_in_chinese_by_default():
    assert _numbers(["YH-1", "YH-2"]) == "YH-1、YH-2"
    assert _numbers(MANY).endswith(f"YH-{NUMBERS_SHOWN - 1}等")


@override_settings(LANGUAGE_CODE="en")
def test_it_lists_hazard_numbers_in_english_on_an_english_installation():
    with translation.override("zh-hans"):  # what is delivered follows the installation, not the caller
        assert _numbers(["YH-1", "YH-2"]) == "YH-1, YH-2"
        assert _numbers(MANY).endswith(f"YH-{NUMBERS_SHOWN - 1}, etc.")


def test_it_dates_a_signed_notice_as_the_language_writes_it():
    day = dt.date(2025, 3, 5)
    with translation.override("zh-hans"):
        assert _signed_on(day) == "2025年03月05日"
    with translation.override("en"):
        assert _signed_on(day) == "March 5, 2025"


def test_it_tells_a_page_title_from_a_field_label():
    with translation.override("en"):
        assert pgettext("page title", "单位") == "Units"
        assert gettext("单位") == "Unit"
        assert str(Unit._meta.get_field("is_active").verbose_name) == "Active"
        assert gettext("启用") == "Enable"
    with translation.override("zh-hans"):
        assert pgettext("page title", "单位") == "单位"
        assert str(Unit._meta.get_field("is_active").verbose_name) == "启用"


def _english_client(city, persona):
    client = city.client_for(persona)
    client.cookies["django_language"] = "en"
    return client


def test_the_unit_list_reads_units_with_a_plural_count_in_english(city):
    page = _english_client(city, "county_a_admin").get(reverse("orgs:unit_list"))

    html = page.content.decode()
    assert page.status_code == 200
    assert '<h2 class="page-title me-auto">Units</h2>' in html
    count = Unit.objects.system("count the units below county A").filter(path__startswith=city.county_a.path).count()
    assert f"{count} units" in html


def test_the_unit_list_reads_chinese_by_default(city):
    page = city.client_for("county_a_admin").get(reverse("orgs:unit_list"))

    html = page.content.decode()
    assert '<h2 class="page-title me-auto">单位</h2>' in html
    assert "个单位" in html
