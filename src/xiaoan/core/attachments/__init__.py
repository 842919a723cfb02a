"""Evidence files on any record: sniffed, size-limited, images re-encoded, served only through a check.

An app lets its records carry files with ``register_owner(Model)`` in its ``AppConfig.ready``.
"""

from .registry import register_owner

__all__ = ["register_owner"]
