from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("password/", views.password_change, name="password_change"),
    path("profile/", views.profile, name="profile"),
    path("totp/setup/", views.totp_setup, name="totp_setup"),
    path("totp/disable/", views.totp_disable, name="totp_disable"),
    path("switch/", views.switch, name="switch"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
