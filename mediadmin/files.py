"""Pure file helpers: a file's size and SHA-256, read in chunks of CHUNK (no ORM; used by services, audit, archive)."""
import hashlib

# Bytes read at once from an upload or a stored file (hashing here, the streamed zip in archive.py):
# a large file is never read whole into memory.
CHUNK = 256 * 1024


def file_fingerprint(fileobj):
    """Return (size, sha256 hex) of a file, read in chunks; the file is left at its start."""
    digest, size = hashlib.sha256(), 0
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
    fileobj.seek(0)
    return size, digest.hexdigest()


def stored_fingerprint(storage, name):
    """Return (size, sha256 hex) of a file already in `storage`, read in chunks."""
    with storage.open(name, "rb") as fileobj:
        return file_fingerprint(fileobj)
