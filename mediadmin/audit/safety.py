"""Guards: refuse a storage root that is not a media folder, parse ages like `24h`."""
import os
import re
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.translation import gettext_lazy as _

from .references import storage_key
from .trash import trash_for

# Files whose presence says "this is a project or a home folder, not uploaded media".
PROJECT_MARKERS = ("manage.py", ".git", "pyproject.toml", "setup.py", "requirements.txt")
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_age(text):
    """Seconds in an age such as `90s`, `15m`, `24h`, `30d`, `2w` or `0`; ValueError otherwise."""
    match = _AGE.match(str(text))
    if not match:
        raise ValueError(_("%(value)r is not an age: use a number with s, m, h, d or w, e.g. 24h or 30d.")
                         % {"value": text})
    return float(match.group(1)) * _UNITS[match.group(2)]


def root_problem(storage):
    """Why scanning or moving files in `storage` is refused, or None when its root is safe."""
    if isinstance(storage, FileSystemStorage):
        return _local_root_problem(storage)
    if getattr(storage, "bucket_name", None):
        return _bucket_root_problem(storage)
    return None


def _local_root_problem(storage):
    base = storage.base_location
    if base is None or not str(base).strip():
        return _("MEDIA_ROOT (the storage location) is empty, which would mean the current folder.")
    if str(base) == "." or not os.path.isabs(str(base)):
        return _("MEDIA_ROOT (the storage location) %(base)r is relative: it would depend on the "
                 "current folder.") % {"base": str(base)}
    root = Path(os.path.realpath(storage.location))
    project = Path(os.path.realpath(settings.BASE_DIR))
    if root == Path(root.anchor):
        return _("The storage root is the file system root %(root)s.") % {"root": root}
    if root == project or root in project.parents or root == Path.home().resolve():
        return _("The storage root %(root)s is the project folder, one of its parents or a home "
                 "folder.") % {"root": root}
    static_root = getattr(settings, "STATIC_ROOT", None)
    static = Path(os.path.realpath(static_root)) if static_root else None
    if static and (static == root or root in static.parents):
        return _("STATIC_ROOT %(static)s is inside the storage root %(root)s.") % {
            "static": static_root, "root": root}
    marker = next((m for m in PROJECT_MARKERS if (root / m).exists()), None)
    if marker:
        return _("The storage root %(root)s holds %(marker)s: it looks like a project folder, not "
                 "uploaded media.") % {"root": root, "marker": marker}
    return None


def _bucket_root_problem(storage):
    try:
        static = storages["staticfiles"]
    except Exception:
        return None
    mine, theirs = storage_key(storage), storage_key(static)
    if mine[0] != "bucket" or theirs[0] != "bucket" or mine[:3] != theirs[:3]:
        return None
    a, b = mine[3], theirs[3]
    if a == b or not a or (b + "/").startswith(a + "/"):
        return _("The storage shares its bucket and prefix with the static files (%(static)r): "
                 "set a distinct AWS_LOCATION for media.") % {"static": b or "/"}
    return None


REFUSAL_HINT = _("Point STORAGES['default'] (MEDIA_ROOT or the bucket's location) at a folder that "
                 "holds only uploaded files, then run the command again.")


def nested_prefixes(alias, storage):
    """Folders of `storage` that are the root of another STORAGES alias: never this audit's files."""
    mine, found = storage_key(storage), []
    for other in settings.STORAGES:
        if other == alias:
            continue
        try:
            theirs = storage_key(storages[other])
        except Exception:  # a storage that cannot be built here has no files here either
            continue
        inner = _inside(mine, theirs)
        if inner:
            found.append(inner + "/")
    return found


def _inside(mine, theirs):
    """The path of root `theirs` relative to root `mine` when strictly inside it, else None."""
    if mine[0] == theirs[0] == "path":
        try:
            inner = Path(theirs[1]).relative_to(mine[1]).as_posix()
        except ValueError:
            return None
        return inner if inner != "." else None
    if mine[0] == theirs[0] == "bucket" and mine[1:3] == theirs[1:3]:
        outer, inner = mine[3], theirs[3]
        if inner and (not outer or inner.startswith(outer + "/")):
            return inner[len(outer) + 1:] if outer else inner
    return None


def public_trash(alias, storage):
    """The bucket prefix of the trash of `alias` when the public can read it, else None.

    Public means: under the media storage's prefix (the one the documented bucket policy makes
    readable to anyone), or in a storage that hands out unsigned URLs. Local disk: None (the
    web server's rules decide, docs/deployment.md).
    """
    trash = trash_for(storage, alias)
    key = storage_key(trash.storage)
    if key[0] != "bucket":
        return None
    where = "/".join(p for p in (key[3], trash.prefix.strip("/")) if p) + "/"
    media = storage_key(storages["default"])
    under_media = media[0] == "bucket" and media[1:3] == key[1:3] and where.startswith(
        (media[3] + "/") if media[3] else "")
    return where if under_media or not getattr(trash.storage, "querystring_auth", True) else None
