"""Pure file helpers: a file's size and SHA-256, read in chunks (no ORM; used by services and audit)."""
import hashlib

# Bytes read at once when hashing: a large upload is a temporary file on disk and is never
# read whole into memory. (archive.CHUNK is another thing: the size of a streamed zip piece.)
CHUNK = 64 * 1024


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
