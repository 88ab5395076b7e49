"""The S3 storages: media (public images), private documents (URLs point at the checked download
view) and the trash (never public: its own prefix, signed URLs only).

Imported only when MEDIADMIN_S3_BUCKET is set, so local installs never load boto3.
"""
from django.conf import settings
from storages.backends.s3 import S3Storage


class _ConfiguredS3Storage(S3Storage):
    """S3Storage whose defaults are its STORAGES entry's OPTIONS.

    sorl-thumbnail records a storage by class path and later re-creates it with
    no arguments; reading the options from STORAGES makes that copy identical.
    """

    alias = "default"

    def __init__(self, **options):
        configured = settings.STORAGES.get(self.alias, {}).get("OPTIONS", {})
        super().__init__(**{**configured, **options})


class MediaS3Storage(_ConfiguredS3Storage):
    """The media storage (images, thumbnails) on S3."""

    alias = "default"


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
        """A short-lived pre-signed URL that makes S3 answer as an attachment of the given type."""
        from django.utils.http import content_disposition_header

        parameters = {
            "ResponseContentDisposition": content_disposition_header(True, filename),
            "ResponseContentType": content_type,
        }
        return super().url(name, parameters=parameters, expire=expire)
