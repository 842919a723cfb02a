import pytest

from xiaoan.core.attachments import register_owner
from xiaoan.orgs.models import Unit


@pytest.fixture(autouse=True)
def _units_carry_files(settings, tmp_path):
    """Units may own files (the orgs app registers them too); files go to a fresh folder per test."""
    register_owner(Unit)
    settings.MEDIA_ROOT = tmp_path / "media"
