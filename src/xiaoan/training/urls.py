from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("new/", views.session_create, name="session_create"),
    path("export.xlsx", views.session_export, name="session_export"),
    path("certificates/", views.certificates, name="certificates"),
    path("coverage/", views.coverage, name="coverage"),
    path("<int:pk>/", views.session_detail, name="session_detail"),
    path("<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("<int:pk>/attendees/", views.attendees_add, name="attendees_add"),
    path("records/<int:pk>/remove/", views.record_remove, name="record_remove"),
]
