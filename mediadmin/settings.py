"""Settings for mediadmin, read from environment variables with safe defaults.

Every variable is listed in README.md ("Configuration"). DEBUG is off unless
DJANGO_DEBUG asks for it; `make run` asks for it.
"""
import os
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
    "mediadmin",
    # Must stay last: it connects its signals for every model loaded before it.
    "django_cleanup.apps.CleanupConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "DJANGO_STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Django's static() helper serves MEDIA_URL only when DEBUG is on; this flag
# lets a test server do the same. Never on in production (system check W003).
MEDIADMIN_SERVE_MEDIA = env_bool("MEDIADMIN_SERVE_MEDIA", default=DEBUG)

# --- Uploads ----------------------------------------------------------------
# Files above this size are streamed to a temporary file, never held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o644

# mediadmin's own knobs (documented in README.md, "Configuration").
MEDIADMIN_IMAGE_FORMATS = env_list("MEDIADMIN_IMAGE_FORMATS", "JPEG,PNG,GIF,WEBP")
MEDIADMIN_MAX_IMAGE_BYTES = int(os.environ.get("MEDIADMIN_MAX_IMAGE_BYTES", 20 * 1024 * 1024))
MEDIADMIN_MAX_IMAGE_PIXELS = int(os.environ.get("MEDIADMIN_MAX_IMAGE_PIXELS", 40_000_000))
MEDIADMIN_MAX_DOCUMENT_BYTES = int(
    os.environ.get("MEDIADMIN_MAX_DOCUMENT_BYTES", 50 * 1024 * 1024)
)

# --- Storage audit (cleanup_orphans, admin "Storage audit") -------------------
# Unreferenced files younger than this are never moved (uploads in flight).
MEDIADMIN_ORPHAN_GRACE = os.environ.get("MEDIADMIN_ORPHAN_GRACE", "24h")
# `cleanup_orphans --purge-trash` deletes trash batches older than this.
MEDIADMIN_TRASH_RETENTION = os.environ.get("MEDIADMIN_TRASH_RETENTION", "30d")
# Trash: a STORAGES alias, or empty for the `.trash/` folder of the audited storage.
MEDIADMIN_TRASH_STORAGE = os.environ.get("MEDIADMIN_TRASH_STORAGE") or None
MEDIADMIN_TRASH_PREFIX = ".trash/"
# Names (fnmatch patterns) the audit never reports or moves.
MEDIADMIN_AUDIT_IGNORE = [".gitkeep", "*/.gitkeep", ".DS_Store", "*/.DS_Store"]

# --- Thumbnails (sorl-thumbnail) --------------------------------------------
THUMBNAIL_KVSTORE = "sorl.thumbnail.kvstores.cached_db_kvstore.KVStore"
THUMBNAIL_PRESERVE_FORMAT = True
THUMBNAIL_QUALITY = 85
THUMBNAIL_DEBUG = False
# Named sizes used by the admin widget, the changelist and the public pages:
# name -> (sorl geometry, sorl options).
MEDIADMIN_THUMBNAIL_SIZES = {
    "admin_list": ("64x64", {"crop": "center"}),
    "admin_inline": ("120x120", {"crop": "center"}),
    "admin_preview": ("360x360", {}),
    "card": ("320x240", {"crop": "center"}),
    "detail": ("800x800", {}),
    "gallery": ("160x160", {"crop": "center"}),
}

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"  # the admin's related-object popups use frames

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "mediadmin": {"handlers": ["console"], "level": os.environ.get("MEDIADMIN_LOG_LEVEL", "INFO")},
    },
}
