"""Server-made storage names and safe display names for uploaded files."""
import re
import secrets
import string
import unicodedata

from django.utils.text import slugify

STEM_MAX_BYTES = 60
DISPLAY_MAX_CHARS = 255
_RANDOM_ALPHABET = string.ascii_lowercase + string.digits


def _truncate_utf8(text, max_bytes):
    encoded = text.encode("utf-8")[:max_bytes]
    return encoded.decode("utf-8", "ignore").strip("-_")


def basename(name):
    """The last path part, whatever separator the client used."""
    return str(name or "").replace("\\", "/").rsplit("/", 1)[-1]


def extension(name):
    """The lower-cased extension of a name's last part, or "" (stored names carry the detected type's)."""
    last = basename(name)
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


def safe_stem(original_name, max_bytes=STEM_MAX_BYTES):
    """A slug of the original name's stem, bounded in bytes; "file" when nothing is left."""
    base = basename(original_name)
    stem = base.split(".", 1)[0] if not base.startswith(".") else base.lstrip(".").split(".", 1)[0]
    return _truncate_utf8(slugify(stem, allow_unicode=True), max_bytes) or "file"


def storage_name(original_name, extension):
    """`<slug of stem>-<8 random chars>.<extension of the detected type>`."""
    token = "".join(secrets.choice(_RANDOM_ALPHABET) for _ in range(8))
    return f"{safe_stem(original_name)}-{token}.{extension.lower()}"


# A stored name: `<slug of stem>-<8 random chars>.<ext>`, plus `_<7 chars>` if the storage
# had to make it unique (Django's get_available_name).
_STORED_NAME = re.compile(r"^(?P<stem>.+)-[a-z0-9]{8}(?:_[A-Za-z0-9]{7})?\.(?P<ext>[a-z0-9]+)$")


def unsuffixed_name(stored_name):
    """A stored name without the random part storage_name() added (`manual.pdf`), or "" if not one."""
    match = _STORED_NAME.match(basename(stored_name))
    return f"{match['stem']}.{match['ext']}" if match else ""


def readable_title(original_name):
    """A title people can read from a file name: "BP-100.datasheet_11.pdf" → "BP-100 datasheet 11".

    The extension goes, underscores and dots become spaces; hyphens stay (SKUs such as BP-100 keep them).
    """
    stem = display_name(original_name).rsplit(".", 1)[0]
    return " ".join(stem.replace("_", " ").replace(".", " ").split()) or stem


def display_name(original_name):
    """The client's file name for display only: no path, no control or bidi characters."""
    base = basename(original_name)
    kept = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    return kept.strip()[:DISPLAY_MAX_CHARS] or "file"


def is_hidden(name):
    """True when a path has a part starting with a dot (`.trash/x`, `a/.versions/b`, `..`): never served."""
    parts = str(name or "").replace("\\", "/").split("/")
    return any(part.startswith(".") for part in parts)


# Characters no file system or extractor should meet in a name offered for download.
_UNSAFE_IN_NAMES = str.maketrans({c: "_" for c in '/\\:*?"<>|'})
_DOTS = re.compile(r"\.{2,}")


def safe_part(text, fallback="file"):
    """One path part safe for a download or zip entry: no separators, drive colons, controls or dot names."""
    kept = "".join(ch for ch in str(text or "") if unicodedata.category(ch)[0] != "C")
    part = _DOTS.sub("_", kept.translate(_UNSAFE_IN_NAMES)).strip(" .")[:DISPLAY_MAX_CHARS]
    return part if part.strip("_") else fallback


def download_name(original_name, extension):
    """The name a file is offered under: the original stem with the extension of its detected type.

    `pricelist.bat` holding text downloads as `pricelist.txt`, so a browser never saves an
    executable name; `report.pdf.exe` holding text becomes `report.pdf.txt`.
    """
    base = safe_part(original_name)
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem or 'file'}.{extension.lower()}" if extension else base
