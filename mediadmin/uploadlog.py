"""Refused uploads on record: who sent which file and why, one INFO line per refused file.

Every way in (admin form and inlines, the staff form, the JSON upload endpoints, the bulk page)
ends in the validators of validators.py, so the refusal is logged there, by a decorator, rather
than in each view. The user comes from the request being served, recorded by
CurrentRequestMiddleware in a context variable (per thread under WSGI, per task under ASGI).
"""
import contextvars
import functools
import logging

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from . import filenames

logger = logging.getLogger("mediadmin.uploads")

_current_request = contextvars.ContextVar("mediadmin_current_request", default=None)
# Set on the uploaded file once its refusal is logged: the form field and the model field
# may both validate the same file, and the admin should not count one refusal twice.
_LOGGED = "_mediadmin_refusal_logged"


class CurrentRequestMiddleware:
    """Remember the request being served, so refusals deep in validation know the user."""

    def __init__(self, get_response):
        """Standard middleware factory."""
        self.get_response = get_response

    def __call__(self, request):
        """Serve the request with it recorded; forget it afterwards (threads are reused)."""
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def current_user():
    """The authenticated user of the request being served, or None (commands, shell, anonymous)."""
    user = getattr(_current_request.get(), "user", None)
    return user if user is not None and user.is_authenticated else None


def current_request():
    """The request being served in this thread or task, or None (commands, shell, tasks)."""
    return _current_request.get()


def current_username(user=None) -> str:
    """The given user's name, else the current request's user's, else "-" (commands, shell)."""
    if user is None:
        request = _current_request.get()
        user = getattr(request, "user", None)
    if user is None:
        return "-"
    if not user.is_authenticated:
        return "anonymous"
    return user.get_username()


def _uploaded_file(value):
    # A model field validates a FieldFile wrapping the UploadedFile the form field saw:
    # mark the UploadedFile, which both share.
    inner = getattr(value, "_file", None)
    return inner if isinstance(inner, UploadedFile) else value


def log_refusal(value, error: ValidationError, user=None) -> None:
    """Log one INFO line for a refused file (user, file name, code, reason), once per file."""
    target = _uploaded_file(value)
    if getattr(target, _LOGGED, False):
        return
    try:
        setattr(target, _LOGGED, True)
    except AttributeError:  # a file object that takes no attributes: log, unmarked
        pass
    codes = sorted({e.code or "invalid" for e in getattr(error, "error_list", [])})
    logger.info("Upload refused: user=%s file=%r code=%s reason=%s", current_username(user),
                filenames.display_name(getattr(value, "name", "") or ""), ",".join(codes) or "invalid",
                " ".join(str(m) for m in error.messages))


def logs_refusals(validator):
    """Decorate a file validator so each ValidationError it raises is logged, then re-raised."""
    @functools.wraps(validator)
    def wrapper(value):
        try:
            return validator(value)
        except ValidationError as error:
            log_refusal(value, error)
            raise
    return wrapper
