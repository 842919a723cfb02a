from django.urls import include, path

from xiaoan.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("xiaoan.accounts.urls")),
    path("orgs/", include("xiaoan.orgs.urls")),
    path("files/", include("xiaoan.core.attachments.urls")),
    path("inbox/", include("xiaoan.core.notifications.urls")),
    path("imports/", include("xiaoan.core.tabular.urls")),
    path("audit/", include("xiaoan.core.audit.urls")),
    path("api/v1/", include("xiaoan.api.urls")),
]
