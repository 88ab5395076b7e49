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
    _forget_storages()
    yield root
    _forget_storages()


def _forget_storages():
    """Clear caches that outlive a test: Django's cache (sorl's key-value store) and the
    storage instances sorl memoises by alias (lru_cache), which a test may have replaced."""
    from sorl.thumbnail.images import get_or_create_storage

    cache.clear()
    get_or_create_storage.cache_clear()


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


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server, on a loopback port, for the whole session."""
    from . import s3

    server, endpoint = s3.start_server()
    yield endpoint
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_endpoint, monkeypatch):
    """Media, private and trash storages on a fresh bucket of the real S3 API; returns a key lister."""
    from django.utils.functional import empty
    from sorl.thumbnail import default as sorl_default

    from . import s3

    for key, value in s3.CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    bucket = s3.new_bucket(s3_endpoint)
    s3.use_s3(settings, s3_endpoint, bucket)
    sorl_default.storage._wrapped = empty
    yield lambda prefix="": s3.keys(s3_endpoint, bucket, prefix)
    sorl_default.storage._wrapped = empty
