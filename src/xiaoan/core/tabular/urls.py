from django.urls import path

from . import views

app_name = "tabular"
urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("new/<slug:spec_name>/", views.job_new, name="job_new"),
    path("template/<slug:spec_name>/", views.template_download, name="template"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("<int:pk>/cancel/", views.job_cancel, name="job_cancel"),
    path("<int:pk>/errors/", views.error_download, name="error_download"),
    path("<int:pk>/result/", views.result_download, name="result_download"),
]
