import pytest


@pytest.fixture(autouse=True)
def _files_in_a_fresh_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
