"""The audit on a real S3 API (moto's server on loopback) gives what it gives on local disk."""
import hashlib

import boto3
import pytest
from django.core.files.storage import default_storage
from moto.server import ThreadedMotoServer

from mediadmin import audit
from mediadmin.models import Product

from .audit_helpers import scenario, store, summary

pytestmark = pytest.mark.django_db(transaction=True)
BUCKET = "mediadmin-test"
KEYS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server on a free loopback port, for the module's tests."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def use_s3(settings, endpoint, bucket):
    """Point STORAGES["default"] at a fresh bucket of the moto server, never overwriting files."""
    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing",
                          aws_secret_access_key="testing", region_name="us-east-1")
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": bucket, "endpoint_url": endpoint, "file_overwrite": False,
                    "location": "media", "querystring_auth": False, **KEYS},
    }}
    assert default_storage.__class__.__name__ == "S3Storage"
    return default_storage


@pytest.fixture
def s3_storage(settings, s3_endpoint, request):
    """The default storage on a bucket of its own for this test."""
    return use_s3(settings, s3_endpoint, f"{BUCKET}-{request.node.name.replace('_', '-')[5:40]}")


def _scenario_summary():
    scenario(default_storage)
    return summary(audit.audit())


def test_scan_on_s3_matches_the_scan_on_local_disk(settings, s3_endpoint, request, media_root):
    local = _scenario_summary()
    Product.objects.all().delete()  # django-cleanup empties the local folder; rows start again
    use_s3(settings, s3_endpoint, f"{BUCKET}-same-result")
    s3 = _scenario_summary()
    assert s3 == local
    assert s3["orphans"] and s3["missing"] and s3["shared"]


def test_generic_listdir_walk_on_s3_matches_the_fast_path(s3_storage):
    scenario(s3_storage)
    assert summary(audit.scan(s3_storage, generic=True)) == summary(audit.scan(s3_storage))


def test_quarantine_and_restore_on_s3_are_byte_identical(s3_storage):
    data = b"\x89PNG not really" * 1000
    name = store(s3_storage, "product_images/orphan.png", data)
    result = audit.quarantine_orphans(audit.audit(), older_than=0)
    assert [e["name"] for e in result.done] == [name] and not s3_storage.exists(name)
    assert s3_storage.exists(f".trash/{result.batch}/files/{name}")
    assert audit.audit().files.count == 0  # the trash prefix is left out of the scan
    audit.restore(s3_storage, result.batch)
    with s3_storage.open(name, "rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == hashlib.sha256(data).hexdigest()
    assert audit.batches(audit.trash_for(s3_storage)) == []


@pytest.mark.parametrize("overwrite, ids", [(True, ["mediadmin.W021"]), (False, [])])
def test_check_warns_when_s3_overwrites_files(settings, overwrite, ids):
    from mediadmin import checks

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": BUCKET, "file_overwrite": overwrite, **KEYS}}}
    assert [m.id for m in checks.check_s3_overwrite(None)] == ids
