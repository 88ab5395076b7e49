"""Test settings: the project's settings with test-only switches on top."""
import os

os.environ.setdefault("MEDIADMIN_SERVE_MEDIA", "1")  # live_server shows thumbnails
# Playwright's sync API runs an event loop in the test thread; the ORM calls made
# by fixtures next to it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from mediadmin.settings import *  # noqa: E402,F401,F403
from mediadmin.settings import STORAGES  # noqa: E402

# Hashed static names need a collectstatic first; tests render templates without one
# (test_static.py runs collectstatic with the production storage).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The live server answers the browser's simultaneous uploads from several threads. An
# in-memory SQLite database is shared-cache, where a second writer fails at once with
# "database table is locked"; a file database waits for the lock like production does.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A random name, not just the pid: test runs in other checkouts (or pid namespaces)
    # sharing /tmp must never open, flush or delete this run's database.
    import tempfile
    import uuid

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"mediadmin-test-{uuid.uuid4().hex}.sqlite3"),
    }
else:
    # The same on a server: two runs against one PostgreSQL (two checkouts, CI beside a developer)
    # must not create, flush or drop each other's test database.
    import uuid

    DATABASES["default"]["TEST"] = {"NAME": f"test_mediadmin_{uuid.uuid4().hex[:12]}"}  # noqa: F405

# The responsive variants (AVIF, WebP and fallback at several widths: 24 more files per image)
# would multiply the cost of every upload in the suite; tests/test_picture.py turns the
# production default (mediadmin.settings.MEDIADMIN_RESPONSIVE_SIZES) back on.
MEDIADMIN_RESPONSIVE_SIZES = {}
