"""One ``notify`` service: in-app inbox, email, SMS through an adapter.

An app registers its events in ``AppConfig.ready``::

    from django.utils.translation import gettext_lazy as _

    from xiaoan.core.notifications.registry import register_event

    register_event("hazards.assigned", _("隐患整改任务：{{ hazard }}"), "hazards/notify_assigned.txt", ("inbox", "sms"))

Texts are Django template strings wrapped in ``gettext_lazy``: they are rendered under ``settings.LANGUAGE_CODE``.
"""
