"""The transaction every service opens around its writes, and what happens to files it rolls back."""
from contextlib import contextmanager

from django.db import transaction

from .. import filesafety


@contextmanager
def atomic_write():
    """One service's writes, all or nothing; a file stored for them is deleted unless they commit.

    Outside any transaction the sweep deletes at once what a rollback left behind; inside an
    outer one (the admin's, a test's) it waits, and the end of the request sweeps again.
    """
    try:
        with transaction.atomic():
            yield
    finally:
        filesafety.sweep()
