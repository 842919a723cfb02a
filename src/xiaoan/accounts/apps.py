from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "xiaoan.accounts"
    label = "accounts"
    verbose_name = "账号 Accounts"
