from django.urls import path

from . import exports, views

app_name = "risks"
urlpatterns = [
    path("", views.risk_list, name="list"),
    path("new/", views.risk_create, name="create"),
    path("distribution/", views.distribution, name="distribution"),
    path("export.xlsx", exports.risk_export, name="export"),
    path("ledger.pdf", exports.risk_ledger_pdf, name="ledger_pdf"),
    path("<int:pk>/", views.risk_detail, name="detail"),
    path("<int:pk>/edit/", views.risk_edit, name="edit"),
    path("<int:pk>/review/", views.risk_review, name="review"),
]
