"""A real S3 API for tests: moto's server on a loopback port, and settings pointing at it."""
import uuid

import boto3
from moto.server import ThreadedMotoServer

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1"}


def start_server():
    """Start moto's S3 server on 127.0.0.1 and an ephemeral port; return (server, endpoint URL)."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def new_bucket(endpoint):
    """Create an empty bucket with a unique name; return the name."""
    name = f"mediadmin-{uuid.uuid4().hex[:12]}"
    client(endpoint).create_bucket(Bucket=name)
    return name


def client(endpoint):
    """A boto3 S3 client for the test server."""
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def storages_for(endpoint, bucket):
    """STORAGES like settings.py builds them from MEDIADMIN_S3_* variables."""
    common = {"bucket_name": bucket, "endpoint_url": endpoint, "region_name": "us-east-1",
              "file_overwrite": False, "signature_version": "s3v4", "default_acl": None, "access_key": "testing",
              "secret_key": "testing"}
    return {
        "default": {"BACKEND": "mediadmin.storages_s3.MediaS3Storage",
                    "OPTIONS": {**common, "location": "media", "querystring_auth": False}},
        "private": {"BACKEND": "mediadmin.storages_s3.PrivateS3Storage",
                    "OPTIONS": {**common, "location": "private", "querystring_auth": True,
                                "querystring_expire": 300}},
        "trash": {"BACKEND": "mediadmin.storages_s3.TrashS3Storage",
                  "OPTIONS": {**common, "location": "trash", "querystring_auth": True,
                              "querystring_expire": 300}},
    }


# The trash settings settings.py derives from MEDIADMIN_S3_BUCKET (tests/test_trash_s3.py compares).
TRASH_SETTINGS = {"MEDIADMIN_TRASH_STORAGE": "trash", "MEDIADMIN_TRASH_PREFIX": "{alias}/"}


def use_s3(settings, endpoint, bucket, **options):
    """Point the settings at `bucket` the way settings.py does with MEDIADMIN_S3_*: the three
    storages (extra `options` go to each) and the trash in the "trash" storage."""
    built = storages_for(endpoint, bucket)
    for config in built.values():
        config["OPTIONS"].update(options)
    settings.STORAGES = {**settings.STORAGES, **built}
    for name, value in TRASH_SETTINGS.items():
        setattr(settings, name, value)


def keys(endpoint, bucket, prefix=""):
    """Every object key in the bucket under a prefix."""
    listing = client(endpoint).list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(obj["Key"] for obj in listing.get("Contents", []))
