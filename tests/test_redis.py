"""REDIS_URL: Django's cache and sorl's key-value store on the real Redis server."""
import pytest
import redis
from django.utils.functional import empty
from sorl.thumbnail import default as sorl_default

from mediadmin import thumbnails

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def on_redis(settings):
    """Point the cache and sorl's key-value store at Redis database 15, emptied."""
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": REDIS_URL}}
    sorl_default.kvstore._wrapped = empty
    yield client
    sorl_default.kvstore._wrapped = empty
    client.flushdb()


def test_thumbnails_are_recorded_in_redis_and_deleted_with_their_source(on_redis, media_root):
    product = factories.product("Red")
    thumb = thumbnails.thumbnail(product.image, "admin_list")
    assert thumb is not None and (media_root / thumb.name).is_file()
    assert any(b"sorl-thumbnail" in key for key in on_redis.keys("*"))  # sorl's entries, in Redis
    product.delete()
    assert not (media_root / thumb.name).exists()
    assert not (media_root / product.image.name).exists()


def test_django_cache_uses_redis(on_redis):
    from django.core.cache import cache

    cache.set("mediadmin-probe", "ok")
    assert any(b"mediadmin-probe" in key for key in on_redis.keys("*"))
