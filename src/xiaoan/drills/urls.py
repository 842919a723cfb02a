from django.urls import path

from . import views

app_name = "drills"
urlpatterns = [
    path("", views.drill_list, name="drill_list"),
    path("new/", views.drill_create, name="drill_create"),
    path("<int:pk>/", views.drill_detail, name="drill_detail"),
    path("<int:pk>/record/", views.drill_record, name="drill_record"),
    path("<int:pk>/cancel/", views.drill_cancel, name="drill_cancel"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:pk>/assign/", views.follow_up_assign, name="follow_up_assign"),
    path("follow-ups/<int:pk>/<str:action>/", views.follow_up_action, name="follow_up_action"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/revise/", views.plan_revise, name="plan_revise"),
]
