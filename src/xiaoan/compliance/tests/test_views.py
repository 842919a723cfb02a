import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoan.compliance.services import refresh_all
from xiaoan.drills.testing import make_held_drill
from xiaoan.orgs.testing import ScopedPageContract

from .test_engine import _bulk_schools


def last_month(today):
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=5)


class TestSchoolCalendar(ScopedPageContract):
    url_name = "compliance:calendar"

    def make_object(self, city):
        refresh_all()
        return city.school_a1

    def test_it_shows_each_obligation_with_its_rule_source_and_evidence(self, city):
        today = timezone.localdate()
        drill = make_held_drill(city.school_a1, last_month(today))
        refresh_all()
        body = city.client_for("principal").get(self.url(city.school_a1)).content.decode()
        assert "每月应急疏散演练" in body and "《中小学幼儿园应急疏散演练指南》" in body
        assert reverse("drills:drill_detail", args=[drill.pk]) in body
        assert 'data-status="met"' in body

    def test_it_refuses_roles_without_the_compliance_permission(self, city):
        assert city.client_for("guard").get(self.url(self.make_object(city))).status_code == 403


class TestMatrix:
    def test_it_shows_a_school_that_missed_last_month_in_red_to_its_county(self, city):
        refresh_all()
        response = city.client_for("county_a_officer").get(reverse("compliance:matrix"), {"period": "previous"})
        body = response.content.decode()
        assert f'data-school="{city.school_a1.pk}"' in body and 'data-status="missed"' in body
        assert f'data-school="{city.school_b1.pk}"' not in body

    def test_it_filters_by_status(self, city):
        make_held_drill(city.school_a1, last_month(timezone.localdate()))
        refresh_all()
        response = city.client_for("city_officer").get(
            reverse("compliance:matrix"), {"period": "previous", "status": "met"}
        )
        body = response.content.decode()
        assert f'data-school="{city.school_a1.pk}"' in body
        assert f'data-school="{city.school_b1.pk}"' not in body

    @pytest.mark.parametrize("extra", [0, 120])
    def test_it_renders_in_the_same_number_of_queries_for_few_or_many_schools(
        self, city, extra, django_assert_max_num_queries
    ):
        _bulk_schools(city.county_a, extra)
        refresh_all()
        client = city.client_for("city_officer")
        with django_assert_max_num_queries(16):
            response = client.get(reverse("compliance:matrix"))
        assert response.status_code == 200

    def test_it_exports_the_matrix_as_a_workbook(self, city):
        refresh_all()
        response = city.client_for("county_a_officer").get(reverse("compliance:matrix_export"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")

    def test_teachers_may_not_export(self, city):
        assert city.client_for("teacher").get(reverse("compliance:matrix_export")).status_code == 403


class TestObligationPages:
    def test_the_definition_shows_rule_source_settings_and_the_rules_link(self, city):
        url = reverse("compliance:obligation_detail", args=["drills.kindergarten_quarterly"])
        body = city.client_for("teacher").get(url).content.decode()
        assert "《中小学幼儿园应急疏散演练指南》" in body
        assert "幼儿园每季度应急疏散演练次数" in body
        assert reverse("rules:list") in body

    def test_an_unknown_obligation_is_404(self, city):
        url = reverse("compliance:obligation_detail", args=["nope.nothing"])
        assert city.client_for("teacher").get(url).status_code == 404

    def test_the_list_names_every_declared_obligation(self, city):
        body = city.client_for("viewer").get(reverse("compliance:obligation_list")).content.decode()
        assert 'data-obligation="drills.bus_semester"' in body

    def test_the_entry_sends_schools_to_their_calendar_and_bureaus_to_the_matrix(self, city):
        school = city.client_for("principal").get(reverse("compliance:home"))
        assert school["Location"] == reverse("compliance:calendar", args=[city.school_a1.pk])
        bureau = city.client_for("county_a_officer").get(reverse("compliance:home"))
        assert bureau["Location"] == reverse("compliance:matrix")


class TestWidgets:
    def test_a_bureau_sees_the_schools_that_missed_last_period(self, city):
        refresh_all()
        body = city.client_for("county_a_officer").get(reverse("home")).content.decode()
        assert 'data-widget="compliance.missed"' in body
        assert reverse("compliance:calendar", args=[city.school_a1.pk]) in body

    def test_a_school_sees_its_own_standing(self, city):
        make_held_drill(city.school_a1, timezone.localdate())
        refresh_all()
        body = city.client_for("principal").get(reverse("home")).content.decode()
        assert 'data-widget="compliance.school"' in body
