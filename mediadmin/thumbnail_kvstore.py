"""sorl's cached-db key-value store, plus loading many entries with one query."""
from sorl.thumbnail.conf import settings as sorl_settings
from sorl.thumbnail.kvstores import cached_db_kvstore
from sorl.thumbnail.kvstores.base import add_prefix
from sorl.thumbnail.models import KVStore as KVStoreModel


class KVStore(cached_db_kvstore.KVStore):
    """Cached-db store whose prefetch() fills the cache for a whole page at once."""

    def prefetch(self, image_files):
        """Put the entries of many image files in the cache: one cache call, at most one query.

        Entries absent from the database are cached as absent, exactly as sorl's own
        per-key lookup does, so later get() calls for these files never reach the database.
        """
        keys = list({add_prefix(image_file.key) for image_file in image_files})
        if not keys:
            return
        cached = self.cache.get_many(keys)
        missing = [key for key in keys if key not in cached]
        if not missing:
            return
        rows = dict(KVStoreModel.objects.filter(key__in=missing).values_list("key", "value"))
        self.cache.set_many(
            {key: rows.get(key, cached_db_kvstore.EMPTY_VALUE) for key in missing},
            sorl_settings.THUMBNAIL_CACHE_TIMEOUT,
        )
