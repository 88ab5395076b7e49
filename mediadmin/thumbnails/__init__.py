"""Thumbnails through sorl-thumbnail: named sizes, failure-proof lookups, warm-up, scheduling.

Pages ask for a named size (MEDIADMIN_THUMBNAIL_SIZES) with thumbnail() / thumbnail_url();
the sizes are made after an upload commits, by the task in tasks.py (schedule()), or by
`manage.py warm_thumbnails`. A page lists many images: prefetch() loads their key-value
entries with one query first. A source that cannot be thumbnailed shows the placeholder, is
logged once and is not tried again until it changes (or RETRY_AFTER passes).

The modules, each one concern (this file only re-exports their public names):
  sizes         named sizes and the thumbnail file each one names
  sorl_adapter  the only module touching sorl's internals
  prefetching   one query for a page's thumbnails, kept on each file object
  memo          remembered failures and pending requests (the cache)
  lookup        known() and making a missing size now
  scheduling    schedule / warm / regenerate, through the task in mediadmin/tasks.py
  display       thumbnail(), thumbnail_url(), picture() (responsive variants), the placeholder
"""
from .display import PLACEHOLDER, Picture, picture, placeholder_url, thumbnail, thumbnail_of, thumbnail_url
from .lookup import known, missing_sizes
from .memo import source_signature
from .prefetching import prefetch, prefetch_objects
from .scheduling import (
    Regeneration,
    delete_thumbnails,
    delete_thumbnails_many,
    regenerate,
    regenerate_later,
    schedule,
    warm,
    warm_stored,
)
from .sizes import size_names, size_spec, thumbnail_file, variant_names
from .sorl_adapter import clear_names

__all__ = [
    "PLACEHOLDER", "Picture", "Regeneration", "clear_names", "delete_thumbnails", "delete_thumbnails_many", "known",
    "missing_sizes", "picture", "placeholder_url", "prefetch", "prefetch_objects", "regenerate", "regenerate_later",
    "schedule", "size_names", "size_spec", "source_signature", "thumbnail", "thumbnail_file", "thumbnail_of",
    "thumbnail_url", "variant_names", "warm", "warm_stored",
]
