"""One ``notify`` service: in-app inbox, email, SMS through an adapter.

An app registers its events in ``AppConfig.ready``::

    from xiaoan.core.notifications.registry import register_event

    register_event("hazards.assigned", "隐患整改任务：{{ hazard }}", "hazards/notify_assigned.txt", ("inbox", "sms"))
"""
