"""The S3 storages: media (public images, cached for a year), private documents (URLs point at the
checked download view) and the trash (never public: its own prefix, signed URLs only).

Imported only when MEDIADMIN_S3_BUCKET is set, so local installs never load boto3.

Every object is written with a Cache-Control header (get_object_parameters). Media objects
never change under their name: uploads are stored under server-made names
(`<slug>-<8 random chars>.<ext>`, fields.py) with overwrite off, and sorl-thumbnail names its
files by a hash of the source name and the options, so browsers and a CDN may keep them a
year without asking again. The quarantine folders (`.trash/`, `.versions/`) are the exception:
never public, never cached.
"""
from django.conf import settings
from django.utils.http import content_disposition_header
from storages.backends.s3 import S3Storage

# A year, and the browser need not even revalidate: a name is never given other bytes.
IMMUTABLE = "public, max-age=31536000, immutable"
# Documents, and anything in a quarantine folder: no shared cache may keep a copy.
NOT_STORED = "private, no-store"
_QUARANTINE_FOLDERS = frozenset({".trash", ".versions"})


class _ConfiguredS3Storage(S3Storage):
    """S3Storage whose defaults are its STORAGES entry's OPTIONS.

    sorl-thumbnail records a storage by class path and later re-creates it with
    no arguments; reading the options from STORAGES makes that copy identical.
    """

    alias = "default"

    def __init__(self, **options):
        configured = settings.STORAGES.get(self.alias, {}).get("OPTIONS", {})
        super().__init__(**{**configured, **options})

    def get_object_parameters(self, name):
        """The configured object parameters, plus this storage's Cache-Control unless one is set."""
        params = super().get_object_parameters(name)
        params.setdefault("CacheControl", self.cache_control(name))
        return params

    def cache_control(self, name):
        """The Cache-Control an object written under `name` is stored with."""
        return NOT_STORED


class MediaS3Storage(_ConfiguredS3Storage):
    """The media storage (images, thumbnails) on S3."""

    alias = "default"

    def cache_control(self, name):
        """A year, immutable: every name is server-made and unique; quarantined files never cached."""
        if _QUARANTINE_FOLDERS.intersection(name.split("/")):
            return NOT_STORED
        return IMMUTABLE


class TrashS3Storage(_ConfiguredS3Storage):
    """The trash of every S3 storage, under the bucket prefix `trash/`, which no public policy covers."""

    alias = "trash"


class PrivateS3Storage(_ConfiguredS3Storage):
    """S3 storage whose public URL is the download view; pre-signed URLs come from `signed_url`."""

    alias = "private"

    def url(self, name, parameters=None, expire=None, http_method=None):
        """The download view's URL, which checks permission before handing out a signed URL."""
        return settings.MEDIADMIN_PRIVATE_URL.rstrip("/") + "/" + name

    def signed_url(self, name, *, filename, content_type, expire=None):
        """A short-lived pre-signed URL that makes S3 answer as an attachment of the given type.

        S3 sends back these response-* parameters as headers: Content-Disposition (attachment,
        the safe download name, RFC 6266 `filename*` when it is not ASCII), the detected
        Content-Type, and no caching. It cannot add X-Content-Type-Options or a CSP
        (docs/security.md, "Documents on S3").
        """
        parameters = {
            "ResponseContentDisposition": content_disposition_header(True, filename),
            "ResponseContentType": content_type,
            "ResponseCacheControl": NOT_STORED,
        }
        return super().url(name, parameters=parameters, expire=expire)
