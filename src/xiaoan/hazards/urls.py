from django.urls import path

from .views import documents, pages, public, steps

app_name = "hazards"
urlpatterns = [
    # public, no account; first because they are the busiest routes
    path("r/<str:token>/", public.public_report, name="public_report"),
    path("track/", public.public_track, name="track"),
    path("", pages.hazard_list, name="list"),
    path("report/", pages.hazard_report, name="report"),
    path("supervision/", pages.supervision_list, name="supervision_list"),
    path("export.xlsx", documents.list_xlsx, name="export_xlsx"),
    path("export.pdf", documents.list_pdf, name="export_pdf"),
    path("poster.pdf", documents.qr_poster, name="poster"),
    path("<int:pk>/", pages.hazard_detail, name="detail"),
    path("<int:pk>/grade/", steps.hazard_grade, name="grade"),
    path("<int:pk>/assign/", steps.hazard_assign, name="assign"),
    path("<int:pk>/request-acceptance/", steps.hazard_request_acceptance, name="request_acceptance"),
    path("<int:pk>/do/<slug:name>/", steps.hazard_transition, name="transition"),
    path("<int:pk>/supervise/", steps.hazard_supervise, name="supervise"),
    path("<int:pk>/notice.pdf", documents.rectification_notice, name="rectification_notice"),
    path("supervision/<int:pk>/progress/", steps.supervision_progress, name="progress"),
    path("supervision/<int:pk>/notice.pdf", documents.supervision_notice, name="supervision_notice"),
]
