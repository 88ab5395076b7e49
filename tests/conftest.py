"""Shared fixtures: every test gets its own MEDIA_ROOT, private root and an empty cache."""
import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Point MEDIA_ROOT and the private root at temporary folders; clear sorl's cache."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.MEDIADMIN_PRIVATE_ROOT = tmp_path / "private"
    cache.clear()
    yield root
    cache.clear()


@pytest.fixture
def private_root(settings, media_root):
    """The private (documents) root of this test."""
    return settings.MEDIADMIN_PRIVATE_ROOT


def _list(base, root):
    return [str(p.relative_to(root)) for p in base.rglob("*") if p.is_file()] if base.exists() else []


@pytest.fixture
def files_in(media_root, private_root):
    """A callable listing stored files (media and private) under a folder, relative to their root."""
    def _files_in(folder=""):
        return sorted(_list(media_root / folder, media_root) + _list(private_root / folder, private_root))
    return _files_in
