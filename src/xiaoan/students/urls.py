from django.urls import path

from . import views

app_name = "students"
urlpatterns = [
    path("", views.class_list, name="class_list"),
    path("classes/new/", views.class_create, name="class_create"),
    path("classes/<int:pk>/", views.class_detail, name="class_detail"),
    path("classes/<int:pk>/edit/", views.class_edit, name="class_edit"),
    path("classes/<int:pk>/export/", views.class_export, name="class_export"),
    path("classes/<int:class_pk>/pupils/new/", views.pupil_create, name="pupil_create"),
    path("pupils/<int:pk>/", views.pupil_detail, name="pupil_detail"),
    path("pupils/<int:pk>/edit/", views.pupil_edit, name="pupil_edit"),
    path("pupils/<int:pk>/reveal/", views.pupil_reveal, name="pupil_reveal"),
    path("pupils/<int:pk>/move/", views.pupil_move, name="pupil_move"),
    path("pupils/<int:pk>/leave/", views.pupil_leave, name="pupil_leave"),
    path("pupils/<int:pk>/transfer/", views.pupil_transfer, name="pupil_transfer"),
    path("pupils/<int:pk>/transfer/cancel/", views.pupil_transfer_cancel, name="pupil_transfer_cancel"),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/<int:pk>/accept/", views.transfer_accept, name="transfer_accept"),
    path("promotion/", views.promotion, name="promotion"),
]
