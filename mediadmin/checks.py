"""System checks that catch a dangerous or broken configuration at start-up."""
import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from PIL import Image, features

from . import imaging

# The Pillow feature each format needs, for reading uploads and for writing thumbnails.
_CODECS = {"JPEG": "jpg", "PNG": "zlib", "WEBP": "webp"}
# The formats a responsive variant can be written in (MEDIADMIN_RESPONSIVE_SIZES), and Pillow's feature for each.
_VARIANT_CODECS = {"AVIF": "avif", "WEBP": "webp"}


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


@register(Tags.security)
def check_pixel_limit(app_configs, **kwargs):
    """Pillow's decompression-bomb guard and mediadmin's pixel budget must both be on."""
    errors = []
    if Image.MAX_IMAGE_PIXELS is None:
        errors.append(Error(
            "PIL.Image.MAX_IMAGE_PIXELS is None: Pillow's decompression-bomb guard is off.",
            hint="Remove the code that sets Image.MAX_IMAGE_PIXELS = None.",
            id="mediadmin.E004",
        ))
    if settings.MEDIADMIN_MAX_IMAGE_PIXELS <= 0:
        errors.append(Error(
            "MEDIADMIN_MAX_IMAGE_PIXELS is not a positive number: any image size is accepted.",
            hint="Set MEDIADMIN_MAX_IMAGE_PIXELS to a budget such as 40000000.",
            id="mediadmin.E007",
        ))
    return errors


@register(Tags.security)
def check_no_ghostscript_formats(app_configs, **kwargs):
    """EPS/PS make Pillow run Ghostscript: they must never be allowed for uploads."""
    configured = {fmt.upper() for fmt in settings.MEDIADMIN_IMAGE_FORMATS}
    dangerous = sorted(configured & {"EPS", "PS", "PDF"})
    if dangerous:
        return [Error(
            f"MEDIADMIN_IMAGE_FORMATS allows {', '.join(dangerous)}, which Pillow hands to Ghostscript.",
            hint="Remove them from MEDIADMIN_IMAGE_FORMATS; upload PDFs as documents instead.",
            id="mediadmin.E005",
        )]
    return []


@register(Tags.security)
def check_s3_overwrite_off(app_configs, **kwargs):
    """An S3 storage that overwrites same-named files can lose uploads."""
    errors = []
    for alias, config in settings.STORAGES.items():
        backend = config.get("BACKEND", "")
        if "s3" in backend.lower() and config.get("OPTIONS", {}).get("file_overwrite", True):
            errors.append(Error(
                f"STORAGES[{alias!r}] uses S3 with file_overwrite on: an upload can replace another file.",
                hint=f"Set STORAGES[{alias!r}]['OPTIONS']['file_overwrite'] = False.",
                id="mediadmin.E006",
            ))
    return errors


@register(Tags.compatibility)
def check_thumbnail_format(app_configs, **kwargs):
    """MEDIADMIN_THUMBNAIL_FORMAT must be empty or a format sorl can write with this Pillow."""
    fmt = settings.MEDIADMIN_THUMBNAIL_FORMAT
    if not fmt or (fmt in _CODECS and features.check(_CODECS[fmt])):
        return []
    return [Error(
        f"MEDIADMIN_THUMBNAIL_FORMAT is {fmt!r}, which thumbnails cannot be written in.",
        hint="Leave it empty (keep each source's format) or set JPEG, PNG or WEBP "
             "(WEBP needs Pillow with libwebp).",
        id="mediadmin.E010",
    )]


@register(Tags.compatibility)
def check_png_compress_level(app_configs, **kwargs):
    """MEDIADMIN_PNG_COMPRESS_LEVEL must be empty (sorl's way) or a zlib level from 0 to 9."""
    level = settings.MEDIADMIN_PNG_COMPRESS_LEVEL
    if level is None or (isinstance(level, int) and 0 <= level <= 9):
        return []
    return [Error(
        f"MEDIADMIN_PNG_COMPRESS_LEVEL is {level!r}, which is not a zlib level.",
        hint="Set a whole number from 0 (fastest, largest) to 9 (slowest, smallest); 3 is the default.",
        id="mediadmin.E011",
    )]


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


@register(Tags.security)
def check_trash_not_public(app_configs, **kwargs):
    """On S3, a trash under the public media prefix (or with unsigned URLs) publishes deleted files."""
    from django.core.files.storage import storages

    from .audit import audited_aliases, public_trash

    alias = getattr(settings, "MEDIADMIN_TRASH_STORAGE", None)
    if alias and alias not in settings.STORAGES:
        return []  # mediadmin.E021 says so
    warnings = []
    for alias in audited_aliases():
        where = public_trash(alias, storages[alias])
        if where:
            warnings.append(Warning(
                f"The trash of STORAGES[{alias!r}] is the bucket prefix {where!r}, which the public can "
                "read (it is under the media prefix, or its storage makes unsigned URLs).",
                hint="Unset MEDIADMIN_TRASH_STORAGE: with MEDIADMIN_S3_BUCKET set, settings.py puts the "
                     "trash in the 'trash' storage (bucket prefix trash/, outside the public-read policy "
                     "on media/*, docs/deployment.md \"S3\").",
                id="mediadmin.W022",
            ))
    return warnings


@register(Tags.compatibility)
def check_version_retention(app_configs, **kwargs):
    """MEDIADMIN_VERSION_RETENTION must be an age such as 30d."""
    from .audit import parse_age

    try:
        parse_age(getattr(settings, "MEDIADMIN_VERSION_RETENTION", "30d"))
    except ValueError as exc:
        return [Error(str(exc), hint="Set MEDIADMIN_VERSION_RETENTION to an age such as 30d or 12w.",
                      id="mediadmin.E023")]
    return []


@register(Tags.compatibility)
def check_responsive_sizes(app_configs, **kwargs):
    """MEDIADMIN_RESPONSIVE_SIZES: named sizes, positive widths, formats this Pillow can write, encoder settings.

    A format Pillow cannot write (a Pillow built without libavif) would make the thumbnail task
    fail for every upload and the pages queue the missing variants again and again.
    """
    problems = [problem for name, spec in settings.MEDIADMIN_RESPONSIVE_SIZES.items()
                for problem in _responsive_size_problems(name, spec)]
    if not 0 <= settings.MEDIADMIN_AVIF_QUALITY <= 100 or not 0 <= settings.MEDIADMIN_WEBP_QUALITY <= 100:
        problems.append("MEDIADMIN_AVIF_QUALITY and MEDIADMIN_WEBP_QUALITY go from 0 to 100")
    if not 0 <= settings.MEDIADMIN_AVIF_SPEED <= 10:
        problems.append("MEDIADMIN_AVIF_SPEED goes from 0 (slowest, smallest) to 10")
    return [Error(
        f"The responsive image settings cannot be used: {'; '.join(problems)}.",
        hint="Fix MEDIADMIN_RESPONSIVE_SIZES in settings.py (or the MEDIADMIN_AVIF_* / MEDIADMIN_WEBP_* "
             "variables). For a missing format, install Pillow from its wheels (they include libavif and "
             "libwebp: pip install --force-reinstall Pillow) or drop the format from the size's list.",
        id="mediadmin.E024",
    )] if problems else []


def _responsive_size_problems(name, spec):
    if name not in settings.MEDIADMIN_THUMBNAIL_SIZES:
        return [f"{name!r} is not a size of MEDIADMIN_THUMBNAIL_SIZES"]
    widths, formats = spec.get("widths") or [], spec.get("formats") or []
    problems = [] if widths and all(isinstance(w, int) and w > 0 for w in widths) else [
        f"{name!r} needs a list of positive whole widths"]
    for fmt in formats:
        if fmt not in _VARIANT_CODECS:
            problems.append(f"{name!r} asks for {fmt!r}; variants are written in AVIF or WEBP")
        elif not features.check(_VARIANT_CODECS[fmt]):
            problems.append(f"{name!r} asks for {fmt}, which this Pillow cannot write")
    return problems
