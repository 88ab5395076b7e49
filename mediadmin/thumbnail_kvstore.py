"""sorl's cached-db key-value store, plus loading many entries with one query."""
from sorl.thumbnail.conf import settings as sorl_settings
from sorl.thumbnail.kvstores import cached_db_kvstore
from sorl.thumbnail.models import KVStore as KVStoreModel


class KVStore(cached_db_kvstore.KVStore):
    """Cached-db store whose prefetch() fills the cache for a whole page at once."""

    def prefetch(self, raw_keys):
        """Values of many raw (prefixed) keys: one cache call, at most one query; returns {key: value}.

        Keys absent from the database are cached as absent (EMPTY_VALUE), exactly as sorl's
        own per-key lookup does, so later get() calls for them never reach the database.
        """
        raw_keys = list(raw_keys)
        if not raw_keys:
            return {}
        values = self.cache.get_many(raw_keys)
        missing = [key for key in raw_keys if key not in values]
        if missing:
            rows = dict(KVStoreModel.objects.filter(key__in=missing).values_list("key", "value"))
            fetched = {key: rows.get(key, cached_db_kvstore.EMPTY_VALUE) for key in missing}
            self.cache.set_many(fetched, sorl_settings.THUMBNAIL_CACHE_TIMEOUT)
            values.update(fetched)
        return values
