"""The reference limit: a bare Django project (no apps, no middleware) doing one single-row UPDATE in raw SQL."""
