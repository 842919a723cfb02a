from django.urls import path

from . import views

app_name = "compliance"
urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.home, name="my_calendar"),
    path("schools/<int:pk>/", views.calendar, name="calendar"),
    path("matrix/", views.matrix, name="matrix"),
    path("matrix/export/", views.matrix_export, name="matrix_export"),
    path("obligations/", views.obligation_list, name="obligation_list"),
    path("obligations/<str:obligation_id>/", views.obligation_detail, name="obligation_detail"),
]
