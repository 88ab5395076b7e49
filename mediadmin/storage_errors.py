"""The one place that turns a storage service's errors into plain messages.

S3 (botocore) raises ClientError for refusals (403 AccessDenied, 404 NoSuchBucket...) and
BotoCoreError for an endpoint that cannot be reached or does not answer in time. The audit,
the trash and whatever else talks to a storage run inside `storage_errors(what)`; the
command turns StorageUnavailable into a CommandError, the admin page into an error message.
Local disk keeps its own errors (OSError) as before.

A leaf module: no import of botocore here, so local installs never load it; an error can only
be botocore's once botocore has been imported by the S3 storage.
"""
import logging
import sys
from contextlib import contextmanager

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

_REFUSED = {"AccessDenied", "Forbidden", "403", "AllAccessDisabled", "InvalidAccessKeyId",
            "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken", "AccountProblem"}
_NO_BUCKET = {"NoSuchBucket"}


class StorageUnavailable(Exception):
    """A storage refused or could not be reached; str() says what failed and what to do next."""

    def __init__(self, message, *, code=""):
        super().__init__(message)
        self.code = code


def is_storage_error(exc):
    """True for an error raised by the storage service's client (botocore's), not by a file's content."""
    errors = sys.modules.get("botocore.exceptions")
    return bool(errors) and isinstance(exc, (errors.ClientError, errors.BotoCoreError))


@contextmanager
def storage_errors(what, storage=None):
    """Raise StorageUnavailable (logged) for a storage error met while doing `what`.

    `what` is a short phrase such as "listing the trash batches"; `storage` (optional) names
    the bucket and endpoint in the message.
    """
    try:
        yield
    except StorageUnavailable:
        raise
    except Exception as exc:
        if not is_storage_error(exc):
            raise
        problem = StorageUnavailable(describe(exc, what, storage), code=error_code(exc))
        logger.error("Storage error while %s: %s: %s", what, type(exc).__name__, exc)
        raise problem from exc


def error_code(exc):
    """The S3 error code of a ClientError ('AccessDenied', 'NoSuchBucket', '403'...), else ''."""
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code") or "")


def _status(exc):
    response = getattr(exc, "response", None) or {}
    return response.get("ResponseMetadata", {}).get("HTTPStatusCode")


def _where(storage):
    bucket = getattr(storage, "bucket_name", None)
    if not bucket:
        return ""
    endpoint = getattr(storage, "endpoint_url", None) or "AWS S3"
    location = (getattr(storage, "location", "") or "").strip("/")
    return f" (bucket {bucket!r}{', prefix ' + repr(location + '/') if location else ''}, {endpoint})"


def describe(exc, what, storage=None):
    """A plain message for a storage error: what failed, why, and what to do next."""
    code, where = error_code(exc), _where(storage)
    if code in _REFUSED or _status(exc) == 403:
        return _("The storage refused access (%(code)s) while %(what)s%(where)s. Check that the app's "
                 "credentials may list, read, write and delete objects in the bucket, and that no "
                 "bucket policy denies them (docs/deployment.md, \"S3\").") % {
            "code": code or "403", "what": what, "where": where}
    if code in _NO_BUCKET:
        return _("The bucket does not exist (NoSuchBucket) while %(what)s%(where)s. Create it or "
                 "correct MEDIADMIN_S3_BUCKET.") % {"what": what, "where": where}
    if code:
        return _("The storage answered %(code)s while %(what)s%(where)s: %(error)s. Try again; if it "
                 "persists, check the bucket and the app's credentials.") % {
            "code": code, "what": what, "where": where, "error": exc}
    return _("The storage could not be reached or did not answer in time while %(what)s%(where)s: "
             "%(error)s. Check "
             "MEDIADMIN_S3_ENDPOINT_URL, the network and the credentials, then try again.") % {
        "what": what, "where": where, "error": exc}


def is_storage_wide(exc):
    """True for a storage error that every other file would meet too: refused, no bucket, unreachable.

    A missing key or another per-object answer is not: a batch may skip that file and go on.
    """
    if not is_storage_error(exc):
        return False
    code = error_code(exc)
    return not code or code in _REFUSED or code in _NO_BUCKET or _status(exc) == 403
