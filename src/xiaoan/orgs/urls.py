from django.urls import path

from .views import exports, people, units

app_name = "orgs"
urlpatterns = [
    path("units/", units.unit_list, name="unit_list"),
    path("units/new/", units.unit_create, name="unit_create"),
    path("units/export.xlsx", exports.unit_export, name="unit_export"),
    path("units/directory.pdf", exports.school_directory_pdf, name="school_directory_pdf"),
    path("units/<int:pk>/", units.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", units.unit_edit, name="unit_edit"),
    path("people/", people.people_list, name="people_list"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/export.xlsx", exports.people_export, name="people_export"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/memberships/", people.membership_grant, name="membership_grant"),
    path("people/<int:pk>/deactivate/", people.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", people.person_reactivate, name="person_reactivate"),
    path("people/<int:pk>/reset-password/", people.person_reset_password, name="person_reset_password"),
    path("people/<int:pk>/reset-second-factor/", people.person_reset_second_factor, name="person_reset_second_factor"),
    path("memberships/<int:pk>/end/", people.membership_end, name="membership_end"),
]
