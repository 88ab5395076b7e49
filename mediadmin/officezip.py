"""Office documents (OOXML, ODT) are zip archives: inspected from their directory, never extracted.

The entry count and the central directory's size are read from the end-of-central-directory
record (and its ZIP64 form) with two small reads, before `zipfile` parses anything: a 1 KB file
can claim a million entries, and parsing them would cost seconds and hundreds of megabytes.
Every refusal is a ValidationError naming the file and what was wrong with it.
"""
import struct
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_EOCD_SEARCH = _EOCD.size + 0xFFFF  # the record plus the longest archive comment
# A central directory entry is 46 bytes plus its name; Office part names are short.
_DIRECTORY_BYTES_PER_ENTRY = 1024
_OOXML_PARTS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# VBA projects in OOXML, Basic and script folders in OpenDocument.
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
_MACRO_FOLDERS = ("basic/", "scripts/")


@dataclass(frozen=True)
class Directory:
    """What the end record says about the archive's central directory."""

    entries: int
    size: int


def _refuse(message, code, name, **params):
    return ValidationError(message, code=code, params={"name": name, **params})


def _read_at(fileobj, offset, size):
    fileobj.seek(offset)
    return fileobj.read(size)


def read_directory(fileobj, name):
    """Entry count and directory size from the end record; raises ValidationError if unreadable."""
    end = fileobj.seek(0, 2)
    start = max(0, end - _EOCD_SEARCH)
    tail = _read_at(fileobj, start, end - start)
    position = tail.rfind(b"PK\x05\x06")
    if position < 0 or len(tail) - position < _EOCD.size:
        raise _refuse(_("%(name)s is a damaged zip archive: its directory cannot be found."),
                      "corrupt_document", name)
    fields = _EOCD.unpack_from(tail, position)
    entries, size = fields[4], fields[5]
    if 0xFFFF in (entries,) or 0xFFFFFFFF in (size, fields[6]):
        entries, size = _zip64_directory(fileobj, start + position, name)
    return Directory(entries, size)


def _zip64_directory(fileobj, eocd_offset, name):
    locator = _read_at(fileobj, max(0, eocd_offset - _ZIP64_LOCATOR.size), _ZIP64_LOCATOR.size)
    if len(locator) < _ZIP64_LOCATOR.size or not locator.startswith(b"PK\x06\x07"):
        raise _refuse(_("%(name)s is a damaged zip archive: its ZIP64 directory cannot be found."),
                      "corrupt_document", name)
    record = _read_at(fileobj, _ZIP64_LOCATOR.unpack(locator)[2], _ZIP64_EOCD.size)
    if len(record) < _ZIP64_EOCD.size or not record.startswith(b"PK\x06\x06"):
        raise _refuse(_("%(name)s is a damaged zip archive: its ZIP64 directory cannot be found."),
                      "corrupt_document", name)
    fields = _ZIP64_EOCD.unpack(record)
    return fields[7], fields[8]


def _check_entry_count(count, name):
    limit = settings.MEDIADMIN_ZIP_LIMITS["max_entries"]
    if count > limit:
        raise _refuse(_("%(name)s is a zip archive of %(count)s entries; the limit is %(limit)s."),
                      "too_many_entries", name, count=f"{count:,}", limit=f"{limit:,}")


def check_directory(directory, name):
    """Refuse an archive whose end record claims too many entries or too large a directory."""
    limit = settings.MEDIADMIN_ZIP_LIMITS["max_entries"]
    _check_entry_count(directory.entries, name)
    if directory.size > limit * _DIRECTORY_BYTES_PER_ENTRY:
        raise _refuse(_("%(name)s has a zip directory of %(size)s, far larger than an Office file's."),
                      "too_many_entries", name, size=filesizeformat(directory.size))


def _check_entries(entries, name):
    """Total size, compression ratio and entry names within the limits."""
    limits = settings.MEDIADMIN_ZIP_LIMITS
    _check_entry_count(len(entries), name)  # the end record may have understated it
    total = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries) or 1
    if total > limits["max_total_bytes"]:
        raise _refuse(_("%(name)s would unpack to %(size)s; the limit is %(limit)s."), "zip_too_large",
                      name, size=filesizeformat(total), limit=filesizeformat(limits["max_total_bytes"]))
    if total / packed > limits["max_ratio"]:
        raise _refuse(_("%(name)s is compressed %(ratio)d times, like a zip bomb; the limit is %(limit)d."),
                      "zip_ratio", name, ratio=total // packed, limit=limits["max_ratio"])
    for entry in entries:
        part = entry.filename.replace("\\", "/")
        if part.startswith("/") or ".." in part.split("/") or (len(part) > 1 and part[1] == ":"):
            raise _refuse(_("%(name)s holds an entry with an unsafe path (%(entry)s)."), "unsafe_entry",
                          name, entry=part[:80])


def _has_macros(archive, names):
    lowered = [n.lower() for n in names]
    if any(n.endswith(_MACRO_PARTS) or n.startswith(_MACRO_FOLDERS) for n in lowered):
        return True
    if "[Content_Types].xml" in names:
        with archive.open("[Content_Types].xml") as member:
            return b"macroenabled" in member.read(256 * 1024).lower()
    return False


def _office_type(archive, names, name):
    if "mimetype" in names:
        with archive.open("mimetype") as member:
            return "odt" if member.read(100).strip() == ODT_MIMETYPE else None
    if "[Content_Types].xml" not in names:
        return None
    return next((ext for prefix, ext in _OOXML_PARTS.items() if any(n.startswith(prefix) for n in names)),
                None)


def sniff(fileobj, name):
    """The Office type ("docx", "xlsx", "pptx", "odt") of a zip, None for another zip; raises if unsafe."""
    check_directory(read_directory(fileobj, name), name)
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            _check_entries(archive.infolist(), name)
            names = set(archive.namelist())
            if _has_macros(archive, names):
                raise _refuse(_("%(name)s contains macros (a VBA project or scripts); documents with "
                                "macros are not accepted. Save it without macros (e.g. as .docx) and "
                                "upload it again."), "macros", name)
            return _office_type(archive, names, name)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, NotImplementedError):
        raise _refuse(_("%(name)s is a damaged zip archive."), "corrupt_document", name) from None
    finally:
        fileobj.seek(0)
