from django.urls import path

from . import views

app_name = "rules"
urlpatterns = [
    path("", views.rule_list, name="list"),
    path("<str:key>/change/", views.rule_change, name="change"),
]
