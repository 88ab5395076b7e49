"""The audit on a real S3 API (moto's server on loopback) gives what it gives on local disk.

Uses the session's moto server and the `s3_storage` fixture from conftest.py (media, private
and trash storages on a fresh bucket, as settings.py builds them from MEDIADMIN_S3_*).
"""
import hashlib

import pytest
from django.core.files.storage import default_storage, storages
from django.utils.functional import empty
from sorl.thumbnail import default as sorl_default

from mediadmin import audit
from mediadmin.audit.listing import Lister, S3Lister, is_s3, lister_for
from mediadmin.models import Product
from mediadmin.services import trash as trash_service

from . import s3
from .audit_helpers import scenario, store, summary

pytestmark = pytest.mark.django_db(transaction=True)


def _use_s3(settings, monkeypatch, endpoint):
    """What the s3_storage fixture does, for a test that starts on the local disk."""
    for key, value in s3.CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    s3.use_s3(settings, endpoint, s3.new_bucket(endpoint))
    sorl_default.storage._wrapped = empty


def _both():
    return summary(audit.audit()), summary(audit.audit("private"))


def test_scan_on_s3_matches_the_scan_on_local_disk(settings, monkeypatch, s3_endpoint, media_root):
    scenario(default_storage)
    local = _both()
    Product.objects.all().delete()  # rows start again; django-cleanup empties the local folders
    _use_s3(settings, monkeypatch, s3_endpoint)
    assert is_s3(storages["default"]) and is_s3(storages["private"])
    scenario(default_storage)
    on_s3 = _both()
    sorl_default.storage._wrapped = empty
    assert on_s3 == local
    assert on_s3[0]["orphans"] and on_s3[0]["missing"] and on_s3[0]["shared"]
    assert on_s3[1]["fields"]["mediadmin.ProductDocument.file"]["count"] == 1


def test_generic_listdir_walk_on_s3_matches_the_fast_path(s3_storage):
    scenario(default_storage)
    assert summary(audit.scan(default_storage, generic=True)) == summary(audit.scan(default_storage))


def test_the_s3_backend_lists_what_the_reference_walk_lists(s3_storage):
    """ListObjectsV2 pages against listdir plus a HEAD per file: same names, sizes and times."""
    scenario(default_storage)
    store(default_storage, ".trash/20260101T000000Z-abcdef/files/x.jpg")
    assert type(lister_for(default_storage)) is S3Lister
    assert type(lister_for(default_storage, generic=True)) is Lister

    def listed(lister):
        return sorted(item for _folder, batch in lister.batches([".trash/"]) for item in batch)

    fast, reference = listed(S3Lister(default_storage)), listed(Lister(default_storage))
    assert [f[:2] for f in fast] == [f[:2] for f in reference]
    names = [f[0] for f in fast]
    assert "product_images/left-over.jpg" in names and not any(n.startswith(".trash/") for n in names)
    # The listing gives milliseconds, HEAD's Last-Modified whole seconds.
    assert all(abs(a[2] - b[2]) < 1 for a, b in zip(fast, reference, strict=True))


def test_quarantine_and_restore_on_s3_are_byte_identical(s3_storage):
    data = b"\x89PNG not really" * 1000
    name = store(default_storage, "product_images/orphan.png", data)
    result = trash_service.quarantine_orphans(audit.audit(), older_than=0)
    assert [e["name"] for e in result.done] == [name] and not default_storage.exists(name)
    assert f"trash/default/{result.batch}/files/{name}" in s3_storage("trash/")  # never under media/
    assert audit.audit().files.count == 0  # the trash is another storage: not in the scan
    trash_service.restore(default_storage, result.batch)
    with default_storage.open(name, "rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == hashlib.sha256(data).hexdigest()
    assert audit.batches(audit.trash_for(default_storage)) == []
