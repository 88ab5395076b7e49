"""Settings for mediadmin, read from environment variables with safe defaults.

Every variable is listed in README.md ("Configuration"). DEBUG is off unless
DJANGO_DEBUG asks for it; `make run` asks for it.
"""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    """Read a comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

# The fallback is for development and tests only; `manage.py check --deploy`
# flags it, and production sets DJANGO_SECRET_KEY (README, "Configuration").
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "django-insecure-mediadmin-development-key-change-me-0123456789"
)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "sorl.thumbnail",
    "django_tasks",
    "csp",
    "axes",
    "reversion",
    "mediadmin",
    # Must stay last: it connects its signals for every model loaded before it.
    "django_cleanup.apps.CleanupConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records the request so refused uploads are logged with their user (mediadmin/uploadlog.py).
    "mediadmin.uploadlog.CurrentRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mediadmin.urls"
WSGI_APPLICATION = "mediadmin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
# Widget templates live in templates/mediadmin/widgets/.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Simultaneous uploads are normal here: take the write lock at BEGIN and
    # wait for it instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------
# REDIS_URL switches Django's cache and sorl-thumbnail's key-value store to Redis,
# so several app servers share them.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files and media -------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "assets"]

MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

# Documents live outside MEDIA_ROOT and are served only by the download view,
# which checks visibility and sends them as attachments (docs/security.md).
MEDIADMIN_PRIVATE_ROOT = Path(os.environ.get("MEDIADMIN_PRIVATE_ROOT", BASE_DIR / "private"))
MEDIADMIN_PRIVATE_URL = "/documents/"
# With nginx in front: the internal location that maps to MEDIADMIN_PRIVATE_ROOT
# (e.g. "/_protected/"); the view then answers with X-Accel-Redirect.
MEDIADMIN_X_ACCEL_REDIRECT_PREFIX = os.environ.get("MEDIADMIN_X_ACCEL_REDIRECT_PREFIX", "")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "mediadmin.storages.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "DJANGO_STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# S3 (django-storages) when MEDIADMIN_S3_BUCKET is set: images under media/,
# documents under private/ (pre-signed, short-lived URLs handed out by the
# download view only). Overwrite is always off.
MEDIADMIN_S3_BUCKET = os.environ.get("MEDIADMIN_S3_BUCKET", "")
# Seconds to connect and to wait for an answer, and attempts per request: botocore's defaults
# (60 s, 60 s, several retries) would keep a page or a command waiting minutes on a hung endpoint
# before storage_errors.py can say so.
MEDIADMIN_S3_CONNECT_TIMEOUT = float(os.environ.get("MEDIADMIN_S3_CONNECT_TIMEOUT", 5))
MEDIADMIN_S3_READ_TIMEOUT = float(os.environ.get("MEDIADMIN_S3_READ_TIMEOUT", 30))
MEDIADMIN_S3_MAX_ATTEMPTS = int(os.environ.get("MEDIADMIN_S3_MAX_ATTEMPTS", 3))
if MEDIADMIN_S3_BUCKET:
    from botocore.config import Config as _BotoConfig

    _S3 = {
        "bucket_name": MEDIADMIN_S3_BUCKET,
        "region_name": os.environ.get("MEDIADMIN_S3_REGION") or None,
        "endpoint_url": os.environ.get("MEDIADMIN_S3_ENDPOINT_URL") or None,
        "file_overwrite": False, "signature_version": "s3v4",
        "default_acl": None,
        # django-storages' own Config (signature, path style) plus bounded waits.
        "client_config": _BotoConfig(
            signature_version="s3v4", s3={"addressing_style": None},
            connect_timeout=MEDIADMIN_S3_CONNECT_TIMEOUT, read_timeout=MEDIADMIN_S3_READ_TIMEOUT,
            retries={"max_attempts": MEDIADMIN_S3_MAX_ATTEMPTS, "mode": "standard"}),
    }
    STORAGES["default"] = {"BACKEND": "mediadmin.storages_s3.MediaS3Storage", "OPTIONS": {
        **_S3, "location": "media", "querystring_auth": False,
        "custom_domain": os.environ.get("MEDIADMIN_S3_CUSTOM_DOMAIN") or None}}
    STORAGES["private"] = {"BACKEND": "mediadmin.storages_s3.PrivateS3Storage", "OPTIONS": {
        **_S3, "location": "private", "querystring_auth": True, "querystring_expire": 300}}
    # The trash of both storages, private by construction: a sibling prefix of media/ that the
    # public-read policy (media/* only) never covers, so no Deny statement is needed.
    STORAGES["trash"] = {"BACKEND": "mediadmin.storages_s3.TrashS3Storage", "OPTIONS": {
        **_S3, "location": "trash", "querystring_auth": True, "querystring_expire": 300}}

# Django's static() helper serves MEDIA_URL only when DEBUG is on; this flag
# lets a test server do the same. Never on in production (system check W003).
MEDIADMIN_SERVE_MEDIA = env_bool("MEDIADMIN_SERVE_MEDIA", default=DEBUG)

# --- Uploads ----------------------------------------------------------------
# Files above this size are streamed to a temporary file, never held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o644
# The product change form sends every gallery and document row (about 7 fields each); the
# drop zones can attach hundreds of files, so Django's default of 1,000 fields would make
# such a product impossible to save. 10,000 fields is about 1,400 rows.
DATA_UPLOAD_MAX_NUMBER_FIELDS = int(os.environ.get("DJANGO_DATA_UPLOAD_MAX_NUMBER_FIELDS", 10_000))

# mediadmin's own knobs (documented in README.md, "Configuration").
MEDIADMIN_IMAGE_FORMATS = env_list("MEDIADMIN_IMAGE_FORMATS", "JPEG,PNG,GIF,WEBP")
MEDIADMIN_MAX_IMAGE_BYTES = int(os.environ.get("MEDIADMIN_MAX_IMAGE_BYTES", 20 * 1024 * 1024))
MEDIADMIN_MAX_IMAGE_PIXELS = int(os.environ.get("MEDIADMIN_MAX_IMAGE_PIXELS", 40_000_000))
MEDIADMIN_MAX_IMAGE_FRAMES = int(os.environ.get("MEDIADMIN_MAX_IMAGE_FRAMES", 300))
# A progressive JPEG is decoded once per scan (SOS marker) over the whole image, so the
# scan count bounds the decoding time: ~1,000 scans of a 40 MP image take half a minute.
# Cameras write 1 scan, libjpeg's default progressive script 10 (colour) and Photoshop's
# "progressive, 5 scans" 5; 100 leaves ten times the largest real count.
MEDIADMIN_MAX_JPEG_SCANS = int(os.environ.get("MEDIADMIN_MAX_JPEG_SCANS", 100))
# Keep EXIF (camera, GPS...) in stored originals; off by default for privacy.
MEDIADMIN_KEEP_IMAGE_METADATA = env_bool("MEDIADMIN_KEEP_IMAGE_METADATA")
MEDIADMIN_DOCUMENT_TYPES = env_list("MEDIADMIN_DOCUMENT_TYPES", "pdf,docx,xlsx,pptx,odt,txt,csv")
MEDIADMIN_MAX_DOCUMENT_BYTES = int(
    os.environ.get("MEDIADMIN_MAX_DOCUMENT_BYTES", 50 * 1024 * 1024)
)
# Per-type limits under MEDIADMIN_MAX_DOCUMENT_BYTES (extension of the detected type -> bytes).
MEDIADMIN_DOCUMENT_MAX_BYTES_BY_TYPE = {
    "pdf": MEDIADMIN_MAX_DOCUMENT_BYTES,
    "docx": 25 * 1024 * 1024, "xlsx": 25 * 1024 * 1024, "pptx": 50 * 1024 * 1024,
    "odt": 25 * 1024 * 1024, "txt": 5 * 1024 * 1024, "csv": 20 * 1024 * 1024,
}
# Office files are zip archives: inspected from their directory, never extracted.
MEDIADMIN_ZIP_LIMITS = {"max_entries": 2000, "max_total_bytes": 200 * 1024 * 1024, "max_ratio": 100}

# --- Storage audit (cleanup_orphans, admin "Storage audit") -------------------
# Unreferenced files younger than this are never moved (uploads in flight).
MEDIADMIN_ORPHAN_GRACE = os.environ.get("MEDIADMIN_ORPHAN_GRACE", "24h")
# `cleanup_orphans --purge-trash` deletes trash batches older than this.
MEDIADMIN_TRASH_RETENTION = os.environ.get("MEDIADMIN_TRASH_RETENTION", "30d")
# Trash: a STORAGES alias, or empty for the `.trash/` folder of the audited storage. On S3 the
# "trash" alias above, with one folder per audited storage (`{alias}` is its STORAGES alias):
# trash/default/<batch>/..., trash/private/<batch>/...
MEDIADMIN_TRASH_STORAGE = os.environ.get("MEDIADMIN_TRASH_STORAGE") or ("trash" if MEDIADMIN_S3_BUCKET else None)
MEDIADMIN_TRASH_PREFIX = "{alias}/" if MEDIADMIN_TRASH_STORAGE == "trash" else ".trash/"
# Replaced files are kept as versions (in the `.versions/` folder beside the trash, never
# served) for this long; `expire_versions --delete` removes older ones.
MEDIADMIN_VERSION_RETENTION = os.environ.get("MEDIADMIN_VERSION_RETENTION", "30d")
# Names (fnmatch patterns) the audit never reports or moves.
MEDIADMIN_AUDIT_IGNORE = [".gitkeep", "*/.gitkeep", ".DS_Store", "*/.DS_Store"]

# --- Thumbnails (sorl-thumbnail) --------------------------------------------
# mediadmin's engine decodes JPEGs at reduced scale and reduce()s before resampling
# (same output as sorl's default engine, ~0.1x the time on a 12 MP JPEG). Its key-value
# store is sorl's cached-db store (the database for persistence, read through the "default"
# cache, which is Redis when REDIS_URL is set) plus prefetch(), which loads a whole page's
# entries with one query (mediadmin/thumbnail_kvstore.py).
THUMBNAIL_ENGINE = "mediadmin.thumbnail_engine.Engine"
THUMBNAIL_KVSTORE = "mediadmin.thumbnail_kvstore.KVStore"
THUMBNAIL_CACHE = "default"
THUMBNAIL_PRESERVE_FORMAT = True
THUMBNAIL_QUALITY = 85
THUMBNAIL_DEBUG = False
# A transparent source written as JPEG goes onto white instead of losing its alpha to black.
THUMBNAIL_FLATTEN = True
# Named sizes used by the admin widget, the changelist and the public pages:
# name -> (sorl geometry, sorl options). All of them are made after an image is stored.
MEDIADMIN_THUMBNAIL_SIZES = {
    "admin_list": ("64x64", {"crop": "center"}),
    "admin_inline": ("120x120", {"crop": "center"}),
    "admin_preview": ("360x360", {}),
    "card": ("320x240", {"crop": "center"}),
    "detail": ("800x800", {}),
    "gallery": ("160x160", {"crop": "center"}),
}
# Format of every thumbnail: empty keeps the source's format (a PNG stays a PNG, with its
# alpha); "WEBP" writes smaller files, keeping alpha; "JPEG" or "PNG" force one format.
MEDIADMIN_THUMBNAIL_FORMAT = os.environ.get("MEDIADMIN_THUMBNAIL_FORMAT", "").strip().upper()
# zlib level of PNG thumbnails (0-9). sorl's own optimize=1 (level 9 and a filter search) spends
# about 80 % of a PNG thumbnail's time for files a few percent smaller; 3 is ~5x faster
# (docs/performance.md, "PNG thumbnails"). Empty: sorl's way.
_png_level = os.environ.get("MEDIADMIN_PNG_COMPRESS_LEVEL", "3").strip()
MEDIADMIN_PNG_COMPRESS_LEVEL = int(_png_level) if _png_level.isdigit() else (None if not _png_level else _png_level)
# Cropped sizes of an image without a focal point: the centre (off), or sorl's "smart" crop
# (on), which keeps the part with the most detail (an entropy guess, made per thumbnail).
MEDIADMIN_FOCAL_GUESS = env_bool("MEDIADMIN_FOCAL_GUESS", default=False)
# Public sizes rendered as <picture> by {% picture %}: the widths of their srcset and the modern
# formats made for each width, all after commit by the thumbnail task (never in a page request).
# "sizes" is the <img sizes> attribute: how wide the image is shown on the page's layout, worked out
# from assets/mediadmin/css/site.css (main: 1100 px wide at most, 24 px padding; the list's grid of
# 240 px columns with 20 px gaps: 1 to 4 per row; the product page's two columns with a 24 px gap,
# one below 701 px). tests/browser/test_picture_browser.py checks in Chromium that the slot the
# browser computes from it is the width the image is shown at, from a phone to a wide screen.
# detail's widest is 1000, not 1200: a 12 MP (4000 px) camera JPEG is then decoded at 1/2 scale
# once for every size; 1200 needed a full-scale decode, 3.5x the time and 1.9x the peak memory
# of warm() (docs/performance.md, "Responsive images"). 1000 still covers the 538 px column at 1.86x DPR.
MEDIADMIN_RESPONSIVE_SIZES = {
    "card": {"widths": [320, 480, 640], "formats": ["AVIF", "WEBP"],
             "sizes": "(min-width: 1148px) 260px, (min-width: 1068px) calc(25vw - 27px), "
                      "(min-width: 808px) calc(33.33vw - 29.33px), (min-width: 548px) calc(50vw - 34px), "
                      "calc(100vw - 48px)"},
    "detail": {"widths": [400, 800, 1000], "formats": ["AVIF", "WEBP"],
               "sizes": "(min-width: 1148px) 538px, (min-width: 701px) calc(50vw - 36px), calc(100vw - 48px)"},
    "gallery": {"widths": [160, 320], "formats": ["AVIF", "WEBP"], "sizes": "160px"},
}
# Encoder settings of those formats (sorl would use THUMBNAIL_QUALITY, a JPEG scale, for all).
MEDIADMIN_AVIF_QUALITY = int(os.environ.get("MEDIADMIN_AVIF_QUALITY", 60))
MEDIADMIN_AVIF_SPEED = int(os.environ.get("MEDIADMIN_AVIF_SPEED", 8))
MEDIADMIN_WEBP_QUALITY = int(os.environ.get("MEDIADMIN_WEBP_QUALITY", 80))
# A page that finds a size not made yet makes it itself (on) or shows the placeholder and
# enqueues the task (off: pages never wait, for sites whose tasks run in a worker).
MEDIADMIN_THUMBNAIL_MAKE_IN_REQUEST = env_bool("MEDIADMIN_THUMBNAIL_MAKE_IN_REQUEST", default=True)
# A source that could not be thumbnailed (missing or corrupt) is not tried again for this
# many seconds, unless its size or modification time changes or it is regenerated.
MEDIADMIN_THUMBNAIL_RETRY_AFTER = int(os.environ.get("MEDIADMIN_THUMBNAIL_RETRY_AFTER", 3600))

# --- Background tasks (django-tasks, the backport of Django 6's django.tasks) ----
# Thumbnails are made by a task enqueued when the upload's transaction commits. The
# immediate backend runs it right then, in the same process; production can point this at
# a worker backend: django_tasks_db.DatabaseBackend and `manage.py db_worker` (docs/deployment.md,
# "Thumbnail worker"; tests/test_task_worker.py runs it).
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "DJANGO_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}
# A worker backend's own apps go before mediadmin (django_cleanup must stay the last app).
if TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
    INSTALLED_APPS.insert(INSTALLED_APPS.index("mediadmin"), "django_tasks_db")
elif TASKS["default"]["BACKEND"].startswith("django_tasks_rq."):
    INSTALLED_APPS[INSTALLED_APPS.index("mediadmin"):0] = ["django_rq", "django_tasks_rq"]
    TASKS["default"]["QUEUES"] = ["default"]
    RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://localhost:6379/0")}}

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD")
MEDIADMIN_BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY")
if MEDIADMIN_BEHIND_PROXY:
    # nginx terminates TLS and sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# A deliberate opt-out of a deploy check (e.g. security.W005 for a domain whose subdomains cannot
# all serve https) is written down here instead of failing `check --deploy` (docs/deployment.md).
SILENCED_SYSTEM_CHECKS = env_list("DJANGO_SILENCED_SYSTEM_CHECKS")

# Login brute force (django-axes): after MEDIADMIN_LOGIN_FAILURE_LIMIT failed logins for one
# user name from one address, that pair is refused (even with the right password) for
# MEDIADMIN_LOGIN_COOLOFF_MINUTES, restarted by every attempt meanwhile. Another user, or the
# same user elsewhere, is unaffected. `manage.py axes_reset` lifts every lock (docs/security.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out pair before checking the password
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("MEDIADMIN_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("MEDIADMIN_LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind nginx every request comes from 127.0.0.1: the address is X-Forwarded-For's last entry.
AXES_CLIENT_IP_CALLABLE = "mediadmin.loginguard.client_ip"
AXES_LOCKOUT_CALLABLE = "mediadmin.loginguard.lockout_response"
# Attempts are listed and locks lifted with manage.py (axes_list_attempts, axes_reset,
# axes_reset_username), not in the admin: its read-only pages would be the only admin pages
# that cannot add or change anything.
AXES_ENABLE_ADMIN = False


def _media_origins():
    """Where image URLs point when media live on S3: the custom domain, the endpoint or AWS."""
    if not MEDIADMIN_S3_BUCKET:
        return []
    domain = os.environ.get("MEDIADMIN_S3_CUSTOM_DOMAIN")
    if domain:
        return [f"https://{domain.strip('/')}"]
    endpoint = os.environ.get("MEDIADMIN_S3_ENDPOINT_URL")
    if endpoint:
        return ["/".join(endpoint.split("/")[:3])]  # scheme://host[:port]
    region = os.environ.get("MEDIADMIN_S3_REGION")
    hosts = [f"{MEDIADMIN_S3_BUCKET}.s3.amazonaws.com"] + ([f"{MEDIADMIN_S3_BUCKET}.s3.{region}.amazonaws.com"]
                                                           if region else [])
    return [f"https://{host}" for host in hosts]


# Content-Security-Policy on every page (django-csp). The project has no inline script and
# no style attribute, and neither has Django's admin, so scripts and styles come from 'self'
# only. Images: 'self', data: (inline images; none used today) and blob: (the preview of a chosen image
# before saving), plus the S3 origin. Responses that set their own policy keep it: document
# downloads send "default-src 'none'; sandbox" (downloads.py) and django-csp leaves it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *_media_origins()],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Everything on record, on stderr (gunicorn and systemd keep it): one handler, on the root
# logger, so no line is printed twice. Django's own default sends django.request (every 5xx
# with its traceback, at ERROR) to a console that is silent with DEBUG off and to mail_admins
# (no ADMINS here): configuring "django" without handlers replaces both, and its records then
# reach the root's console. django.server (runserver) keeps Django's default.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": [], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
        # 5xx at ERROR with the traceback, 4xx at WARNING; SuspiciousOperation (bad Host,
        # tampered sessions...) at ERROR.
        "django.request": {"handlers": [], "level": "WARNING"},
        "django.security": {"handlers": [], "level": "WARNING"},
        # mediadmin.uploads: refused uploads at INFO (user, file, reason).
        "mediadmin": {"handlers": [], "level": os.environ.get("MEDIADMIN_LOG_LEVEL", "INFO")},
    },
}
