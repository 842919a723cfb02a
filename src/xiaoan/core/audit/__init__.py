"""Audit: security events (logins, denials, sensitive reads) beside django-auditlog's data-change log."""
