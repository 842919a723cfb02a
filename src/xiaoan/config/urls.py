from django.urls import include, path

from xiaoan.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # the apps with public endpoints (receipt pages, 随手拍) first: URL resolution walks this list in order
    path("families/", include("xiaoan.families.urls")),
    path("hazards/", include("xiaoan.hazards.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("xiaoan.accounts.urls")),
    path("orgs/", include("xiaoan.orgs.urls")),
    path("files/", include("xiaoan.core.attachments.urls")),
    path("inbox/", include("xiaoan.core.notifications.urls")),
    path("imports/", include("xiaoan.core.tabular.urls")),
    path("audit/", include("xiaoan.core.audit.urls")),
    path("rules/", include("xiaoan.core.rules.urls")),
    path("compliance/", include("xiaoan.compliance.urls")),
    path("risks/", include("xiaoan.risks.urls")),
    path("assets/", include("xiaoan.assets.urls")),
    path("inspections/", include("xiaoan.inspections.urls")),
    path("drills/", include("xiaoan.drills.urls")),
    path("education/", include("xiaoan.education.urls")),
    path("training/", include("xiaoan.training.urls")),
    path("students/", include("xiaoan.students.urls")),
    path("api/v1/", include("xiaoan.api.urls")),
]
