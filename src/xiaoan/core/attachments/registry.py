"""Models whose records may carry attachments; each opts in from its app's ``AppConfig.ready``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class OwnerSpec:
    model: type[models.Model]
    action: str  # the owner action that allows adding and removing files ("change" unless told)


_OWNERS: dict[str, OwnerSpec] = {}


def register_owner(model: type[models.Model], *, action: str = "change") -> None:
    """Let records of ``model`` (a scoped model) carry attachments; viewing a file = viewing its owner."""
    if not hasattr(model.objects, "for_user"):  # type: ignore[attr-defined]
        raise TypeError(f"{model.__name__} is not scoped; only scoped models can own attachments")
    _OWNERS[model._meta.label_lower] = OwnerSpec(model=model, action=action)


def owner_spec(label: str) -> OwnerSpec | None:
    """The registration for ``app_label.model_name``, or None when that model did not opt in."""
    return _OWNERS.get(label.lower())


def owner_spec_for(model: type[models.Model]) -> OwnerSpec | None:
    return _OWNERS.get(model._meta.label_lower)
