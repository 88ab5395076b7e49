"""Shared fixtures: every test gets its own MEDIA_ROOT and an empty cache."""
import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Point MEDIA_ROOT at a temporary folder and clear sorl's cached key-value entries."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    cache.clear()
    yield root
    cache.clear()


def stored_files(root):
    """Relative paths of every file under a media root."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def files_in(media_root):
    """A callable listing the stored files under a folder of MEDIA_ROOT."""
    def _files_in(folder=""):
        base = media_root / folder
        return sorted(str(p.relative_to(media_root)) for p in base.rglob("*") if p.is_file())
    return _files_in
