"""System checks that catch a dangerous or broken configuration at start-up."""
import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from PIL import features

from . import imaging

_CODECS = {"JPEG": "jpg", "PNG": "zlib", "WEBP": "webp"}


@register(Tags.compatibility)
def check_cleanup_last(app_configs, **kwargs):
    """django_cleanup must be the last installed app, or it misses models loaded after it."""
    apps = [a.split(".")[0] for a in settings.INSTALLED_APPS]
    if "django_cleanup" in apps and apps[-1] != "django_cleanup":
        return [Error(
            "django_cleanup is not the last entry of INSTALLED_APPS.",
            hint="Move 'django_cleanup.apps.CleanupConfig' to the end of INSTALLED_APPS.",
            id="mediadmin.E001",
        )]
    return []


@register(Tags.compatibility)
def check_pillow_codecs(app_configs, **kwargs):
    """Every allowed image format needs its Pillow codec."""
    missing = [fmt for fmt in imaging.allowed_formats()
               if fmt in _CODECS and not features.check(_CODECS[fmt])]
    return [Error(
        f"Pillow was built without support for {', '.join(missing)}.",
        hint="Reinstall Pillow from its wheels (pip install --force-reinstall Pillow) or "
             "remove the format from MEDIADMIN_IMAGE_FORMATS.",
        id="mediadmin.E002",
    )] if missing else []


@register(Tags.compatibility)
def check_media_root_writable(app_configs, **kwargs):
    """A local MEDIA_ROOT must exist (or be creatable) and be writable."""
    backend = settings.STORAGES["default"]["BACKEND"]
    if not backend.endswith("FileSystemStorage"):
        return []
    root = str(settings.MEDIA_ROOT)
    probe = root
    while not os.path.exists(probe) and os.path.dirname(probe) != probe:
        probe = os.path.dirname(probe)
    if os.path.isdir(probe) and os.access(probe, os.W_OK):
        return []
    return [Error(
        f"MEDIA_ROOT {root} is not writable.",
        hint="Give the server's user write access to it or set DJANGO_MEDIA_ROOT.",
        id="mediadmin.E003",
    )]


@register(Tags.security, deploy=True)
def check_media_served_by_django(app_configs, **kwargs):
    """Serving media through Django is for development only."""
    if settings.MEDIADMIN_SERVE_MEDIA and not settings.DEBUG:
        return [Warning(
            "Media files are served by Django with DEBUG off.",
            hint="Unset MEDIADMIN_SERVE_MEDIA and serve MEDIA_URL from nginx or S3.",
            id="mediadmin.W003",
        )]
    return []


@register(Tags.compatibility)
def check_audit_root(app_configs, **kwargs):
    """cleanup_orphans refuses a media root that is not a media folder: warn at start-up."""
    from django.core.files.storage import storages

    from .audit import REFUSAL_HINT, root_problem

    problem = root_problem(storages["default"])
    return [Warning(str(problem), hint=str(REFUSAL_HINT), id="mediadmin.W020")] if problem else []


@register(Tags.compatibility)
def check_trash_storage(app_configs, **kwargs):
    """MEDIADMIN_TRASH_STORAGE must name an alias of STORAGES."""
    alias = getattr(settings, "MEDIADMIN_TRASH_STORAGE", None)
    if alias and alias not in settings.STORAGES:
        return [Error(
            f"MEDIADMIN_TRASH_STORAGE is {alias!r}, which is not an alias of STORAGES.",
            hint="Add that alias to STORAGES or unset MEDIADMIN_TRASH_STORAGE (the trash then "
                 "lives in the '.trash/' folder of the audited storage).",
            id="mediadmin.E021",
        )]
    return []


@register(Tags.compatibility)
def check_s3_overwrite(app_configs, **kwargs):
    """On S3, a same-named upload or a restore must never replace a file another row uses."""
    from django.core.files.storage import storages

    found = []
    for alias in settings.STORAGES:
        if alias == "staticfiles":
            continue
        storage = storages[alias]
        if getattr(storage, "bucket_name", None) and getattr(storage, "file_overwrite", False):
            found.append(Warning(
                f"STORAGES[{alias!r}] overwrites same-named files on S3 (file_overwrite is on).",
                hint="Set OPTIONS 'file_overwrite': False (or AWS_S3_FILE_OVERWRITE = False) so uploads "
                     "and restored files never replace a file a row references.",
                id="mediadmin.W021",
            ))
    return found
