"""Writes of the inspections module: ``templates`` (versioned on edit after use), ``inspections`` (plans and
inspections, with the submit workflow) and ``campaigns``."""

from .campaigns import campaign_create
from .inspections import (
    WORKFLOW,
    inspection_save,
    inspection_start,
    inspection_submit,
    plan_create,
    plan_set_active,
    result_for,
)
from .templates import current_version, item_add, item_remove, section_add, template_create

__all__ = [
    "WORKFLOW",
    "campaign_create",
    "current_version",
    "inspection_save",
    "inspection_start",
    "inspection_submit",
    "item_add",
    "item_remove",
    "plan_create",
    "plan_set_active",
    "result_for",
    "section_add",
    "template_create",
]
