from django.urls import path

from . import views

app_name = "assets"
urlpatterns = [
    path("", views.asset_list, name="list"),
    path("new/", views.asset_create, name="create"),
    path("bulk/", views.asset_bulk, name="bulk"),
    path("export.xlsx", views.asset_export, name="export"),
    path("<int:pk>/", views.asset_detail, name="detail"),
    path("<int:pk>/edit/", views.asset_edit, name="edit"),
    path("<int:pk>/check/", views.asset_check, name="check"),
]
