"""Installing the shipped checklists (``catalogue.SYSTEM_TEMPLATES``) as system templates.

Takes the model classes as arguments, so the data migration (historical models) and tests that flush the
database (real models) share one implementation.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .catalogue import SYSTEM_TEMPLATES


def install_system_templates(template_model: Any, version_model: Any, section_model: Any, item_model: Any) -> int:
    """Create the system templates that do not exist yet; the number created."""
    created = 0
    manager = template_model._base_manager
    for spec in SYSTEM_TEMPLATES:
        if manager.filter(code=spec["code"]).exists():
            continue
        template = manager.create(
            code=spec["code"],
            title=spec["title"],
            description=spec.get("description", ""),
            hazard_category=spec["category"],
            checks_assets=spec.get("checks_assets", False),
            stages=spec.get("stages", []),
            version=1,
        )
        version = version_model._base_manager.create(template=template, number=1)
        for section_order, (title, category, items) in enumerate(spec["sections"], start=1):
            section = section_model._base_manager.create(
                version=version, order=section_order, title=title, hazard_category=category
            )
            item_model._base_manager.bulk_create(
                item_model(
                    section=section,
                    order=order,
                    text=text,
                    answer_type=options.get("type", "pass_fail"),
                    minimum=Decimal(options["min"]) if "min" in options else None,
                    maximum=Decimal(options["max"]) if "max" in options else None,
                    unit_label=options.get("unit", ""),
                    photo_required_when_failed=options.get("photo", False),
                    hazard_category=options.get("category", ""),
                )
                for order, (text, options) in enumerate(items, start=1)
            )
        created += 1
    return created
