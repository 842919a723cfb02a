"""Tabular import (declared columns, validate all, commit all or nothing) and streamed xlsx export."""
