"""Helpers of the storage audit tests: a scenario with every kind of file, and old files."""
import json
import os
import re
import time

from django.core.files.base import ContentFile

from . import factories

DAY = 86400


def make_old(storage, name, age=3 * DAY):
    """Backdate a stored file so it is past the grace period (local disk only)."""
    path = storage.path(name)
    then = time.time() - age
    os.utime(path, (then, then))


def store(storage, name, data=b"orphan bytes"):
    """Save bytes under a name in a storage; return the name it got."""
    return storage.save(name, ContentFile(data))


def scenario(storage):
    """Rows with files, two orphans, one shared file, one row whose file is missing."""
    chair = factories.product("Chair", document=factories.pdf_upload("chair.pdf"))
    factories.gallery_image(chair)
    factories.document(chair, "manual.pdf")
    twin = factories.product("Twin", with_image=False)
    twin.image.name = chair.image.name  # two rows, one file
    twin.save()
    ghost = factories.product("Ghost")
    storage.delete(ghost.image.name)
    left_over = factories.image_bytes(size=(96, 64))  # a real image: the audit page previews it
    orphans = [store(storage, "product_images/left-over.jpg", left_over),
               store(storage, "documents/old/forgotten.pdf", b"%PDF-1.4 y" * 10)]
    return {"chair": chair, "twin": twin, "ghost": ghost, "orphans": orphans, "left_over_size": len(left_over)}


def plain(name):
    """A stored name without the random part of server-made names (`chair-x7k2m9qa.jpg`)."""
    return re.sub(r"-[a-z0-9]{8}(?=\.\w+$)", "", name)


def summary(report):
    """The parts of a report that must not depend on the backend (no pks, times, random names)."""
    return {
        "files": report.files.as_dict(),
        "orphans": [(plain(f.name), f.size) for f in report.orphans],
        "missing": sorted((ref.label, plain(name)) for ref, name in report.missing),
        "shared": {plain(name): sorted(r.label for r in refs) for name, refs in report.shared.items()},
        "folders": {k: v.as_dict() for k, v in report.folders.items()},
        "fields": {k: v.as_dict() for k, v in report.fields.items()},
    }


def age_restore_records(trash, batch, age=2 * DAY):
    """Backdate a batch's restore records, as if its files came back `age` seconds ago."""
    name = trash.manifest_name(batch)
    with trash.storage.open(name, "rb") as fh:
        manifest = json.loads(fh.read().decode())
    for record in manifest.get("restored", ()):
        record["at"] -= age
    trash.storage.delete(name)
    trash.storage.save(name, ContentFile(json.dumps(manifest).encode()))
