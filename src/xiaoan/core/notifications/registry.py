"""Events that can be notified, registered by the apps that raise them (in ``AppConfig.ready``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template import Context, Engine
from django.utils.functional import Promise

CHANNELS = frozenset({"inbox", "email", "sms"})


Text = str | Promise  # a lazy translation is read in the language active when the message is rendered


@dataclass(frozen=True)
class Event:
    key: str
    title: Text  # a Django template string (usually ``gettext_lazy``), or a template name ending in .txt / .html
    body: Text
    channels: tuple[str, ...] = ("inbox", "email")
    sms: Text = ""  # SMS text template; the body when empty

    def render(self, context: dict[str, Any]) -> tuple[str, str, str]:
        """Title, body and SMS text (plain text: nothing is HTML-escaped), in the active language."""
        title = " ".join(_render(self.title, context).split())
        body = _render(self.body, context).strip()
        sms = _render(self.sms, context).strip() if self.sms else body
        return title, body, sms


EVENTS: dict[str, Event] = {}


def register_event(
    key: str,
    title_template: Text,
    body_template: Text,
    channels: tuple[str, ...] = ("inbox", "email"),
    *,
    sms: Text = "",
) -> Event:
    """Register an event; wrap its texts in ``gettext_lazy`` so that every installation language gets them."""
    unknown = set(channels) - CHANNELS
    if unknown:
        raise ValueError(f"Unknown channels for {key}: {sorted(unknown)}")
    event = Event(key=key, title=title_template, body=body_template, channels=tuple(channels), sms=sms)
    EVENTS[key] = event
    return event


def get_event(key: str) -> Event:
    try:
        return EVENTS[key]
    except KeyError:
        raise LookupError(f"Notification event {key!r} is not registered") from None


def _is_template_name(source: str) -> bool:
    return source.endswith((".txt", ".html")) and "{" not in source and "\n" not in source


def _render(text: Text, context: dict[str, Any]) -> str:
    source = str(text)  # a lazy text is translated here, under the language the caller activated
    engine = Engine.get_default()
    template = engine.get_template(source) if _is_template_name(source) else engine.from_string(source)
    return template.render(Context(context, autoescape=False))
