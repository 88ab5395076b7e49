"""Files stored inside a transaction that never commits are deleted, not left behind.

Django has no rollback hook. Each stored file is tracked until an on_commit
callback clears it; a rollback drops that callback, so whatever is still tracked
once no transaction is open was rolled back and its file is deleted. The sweep
runs at the end of every request (request_finished) and from `sweep()`.
"""
import logging
import threading

from django.db import connections, transaction

logger = logging.getLogger(__name__)
_state = threading.local()


def _pending():
    if not hasattr(_state, "files"):
        _state.files = {}
    return _state.files


def track(storage, name, using="default"):
    """Remember a just-stored file until its transaction commits."""
    if not connections[using].in_atomic_block:
        return
    key = object()
    _pending()[key] = (storage, name, using)
    transaction.on_commit(lambda: _pending().pop(key, None), using=using)


def sweep(**kwargs):
    """Delete tracked files whose transaction ended without committing them."""
    pending = _pending()
    for key, (storage, name, using) in list(pending.items()):
        if connections[using].in_atomic_block:
            continue
        pending.pop(key, None)
        try:
            storage.delete(name)
            logger.info("Deleted %s: its transaction was rolled back", name)
        except Exception:
            logger.exception("Could not delete %s after a rollback", name)
