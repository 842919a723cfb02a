from django.urls import path

from . import views

app_name = "education"
urlpatterns = [
    path("", views.activity_list, name="activity_list"),
    path("new/", views.activity_create, name="activity_create"),
    path("export.xlsx", views.activity_export, name="activity_export"),
    path("coverage/", views.coverage, name="coverage"),
    path("calendar/", views.calendar, name="calendar"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", views.activity_edit, name="activity_edit"),
]
