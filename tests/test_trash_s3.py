"""The trash on a real S3 API (moto's server on loopback): its own `trash/` prefix, private by
construction under the documented bucket policy, and storage errors (403, missing bucket,
unreachable or silent endpoint) as plain messages in the command and the admin page.
"""
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from botocore.config import Config
from django.core.files.storage import default_storage, storages
from django.core.management import CommandError, call_command
from django.urls import reverse

from mediadmin import audit, checks
from mediadmin.services import trash as trash_service

from . import s3
from .audit_helpers import store

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent
AUDIT_URL = "admin:mediadmin_product_audit"
# One attempt, short timeouts: an unreachable endpoint answers in about a second, not minutes.
IMPATIENT = Config(signature_version="s3v4", connect_timeout=1, read_timeout=1,
                   retries={"max_attempts": 1, "mode": "standard"})


def _bucket():
    return storages["default"].bucket_name


def _documented_policy(bucket):
    """The bucket policy the runbook installs (deploy/s3/bucket-policy.json), for this bucket.

    docs/deployment.md ("S3") shows the same policy: both must say the same.
    """
    installed = (ROOT / "deploy" / "s3" / "bucket-policy.json").read_text()
    text = (ROOT / "docs" / "deployment.md").read_text()
    shown = text.split("Bucket policy (", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    assert json.loads(shown) == json.loads(installed)
    return json.loads(installed.replace("shop-media", bucket))


def _put_policy(endpoint, policy):
    s3.client(endpoint).put_bucket_policy(Bucket=_bucket(), Policy=json.dumps(policy))


def _anonymous_get(endpoint, key):
    """HTTP status of an unsigned GET of a key, as a visitor's browser would send it."""
    try:
        with urllib.request.urlopen(f"{endpoint}/{_bucket()}/{key}") as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _sha(storage, name):
    with storage.open(name, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def _settings_with(env):
    """The trash settings settings.py builds in a fresh process for these variables."""
    code = ("import json; from mediadmin import settings as s; "
            "config = lambda c: {'connect_timeout': c.connect_timeout, 'read_timeout': c.read_timeout, "
            "'retries': c.retries, 'signature_version': c.signature_version}; "
            "print(json.dumps({'trash': s.STORAGES.get('trash'), 'alias': s.MEDIADMIN_TRASH_STORAGE, "
            "'prefix': s.MEDIADMIN_TRASH_PREFIX, 'storages': s.STORAGES}, default=config))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MEDIADMIN_"))}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env},
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_settings_put_the_s3_trash_in_its_own_signed_storage_at_trash():
    built = _settings_with({"MEDIADMIN_S3_BUCKET": "shop-media"})
    options = built["trash"]["OPTIONS"]
    assert built["trash"]["BACKEND"] == "mediadmin.storages_s3.TrashS3Storage"
    assert (options["location"], options["querystring_auth"], options["file_overwrite"]) == ("trash", True, False)
    assert {"MEDIADMIN_TRASH_STORAGE": built["alias"], "MEDIADMIN_TRASH_PREFIX": built["prefix"]} == s3.TRASH_SETTINGS
    mirrored = s3.storages_for("http://x", "shop-media")["trash"]  # the tests use what settings.py builds
    assert mirrored["BACKEND"] == built["trash"]["BACKEND"]
    assert {k: mirrored["OPTIONS"][k] for k in ("location", "querystring_auth")} == {"location": "trash",
                                                                                      "querystring_auth": True}
    local = _settings_with({})
    assert (local["trash"], local["alias"], local["prefix"]) == (None, None, ".trash/")  # local disk unchanged


def test_every_s3_storage_waits_a_bounded_time():
    """botocore's defaults (60 s connect, 60 s read, retries) would hold a page minutes on a hung endpoint."""
    built = _settings_with({"MEDIADMIN_S3_BUCKET": "shop-media", "MEDIADMIN_S3_READ_TIMEOUT": "12"})
    for alias in ("default", "private", "trash"):
        config = built["storages"][alias]["OPTIONS"]["client_config"]
        assert (config["connect_timeout"], config["read_timeout"]) == (5.0, 12.0), alias
        assert config["retries"] == {"max_attempts": 3, "mode": "standard"}
        assert config["signature_version"] == "s3v4"


def test_both_storages_trash_go_under_trash_without_colliding_and_restore_byte_for_byte(s3_storage):
    image, document = b"\x89PNG not really" * 5000, b"%PDF-1.7 manual" * 3000
    image_name = store(default_storage, "product_images/orphan.png", image)
    document_name = store(storages["private"], "documents/orphan.pdf", document)
    moved = trash_service.quarantine_orphans(audit.audit(), older_than=0)
    moved_private = trash_service.quarantine_orphans(audit.audit("private"), alias="private", older_than=0)
    assert s3_storage("trash/default/") == [f"trash/default/{moved.batch}/files/{image_name}",
                                            f"trash/default/{moved.batch}/manifest.json"]
    assert s3_storage("trash/private/") == [f"trash/private/{moved_private.batch}/files/{document_name}",
                                            f"trash/private/{moved_private.batch}/manifest.json"]
    assert s3_storage("media/") == [] and s3_storage("private/") == []  # nothing left under either
    assert [b.id for b in audit.batches(audit.trash_for(default_storage))] == [moved.batch]
    assert [b.id for b in audit.batches(audit.trash_for(storages["private"], "private"))] == [moved_private.batch]
    call_command("cleanup_orphans", "--storage", "private", "--restore", moved_private.batch, "--no-progress")
    call_command("cleanup_orphans", "--restore", moved.batch, "--no-progress")
    assert _sha(default_storage, image_name) == hashlib.sha256(image).hexdigest()
    assert _sha(storages["private"], document_name) == hashlib.sha256(document).hexdigest()
    assert s3_storage("trash/") == [f"trash/default/{moved.batch}/manifest.json",  # restore records only
                                    f"trash/private/{moved_private.batch}/manifest.json"]


def test_the_documented_policy_publishes_media_only_and_never_locks_the_app_out(s3_storage, s3_endpoint):
    policy = _documented_policy(_bucket())
    assert [st["Effect"] for st in policy["Statement"]] == ["Allow"]  # no Deny that could name the app
    kept = store(default_storage, "product_images/kept.png", b"public image")
    orphan = store(default_storage, "product_images/orphan.png", b"deleted image")
    document = store(storages["private"], "documents/staff.pdf", b"%PDF staff only")
    moved = trash_service.quarantine_orphans(audit.audit(), older_than=0, names=[orphan])
    _put_policy(s3_endpoint, policy)
    assert _anonymous_get(s3_endpoint, f"media/{kept}") == 200
    assert _anonymous_get(s3_endpoint, f"trash/default/{moved.batch}/files/{orphan}") == 403
    assert _anonymous_get(s3_endpoint, f"trash/default/{moved.batch}/manifest.json") == 403
    assert _anonymous_get(s3_endpoint, f"private/{document}") == 403
    # The app, with its own credentials, still lists and restores its trash under this policy.
    assert [b.id for b in audit.batches(audit.trash_for(default_storage))] == [moved.batch]
    assert trash_service.restore(default_storage, moved.batch).done
    assert _anonymous_get(s3_endpoint, f"media/{orphan}") == 200  # back where it was, public again


def test_the_old_deny_statement_is_a_clear_message_not_a_traceback_or_a_500(s3_storage, s3_endpoint, admin_client,
                                                                              caplog):
    """The policy docs/deployment.md used to give: a Deny naming one role locks any other principal out."""
    orphan = store(default_storage, "product_images/orphan.png")
    moved = trash_service.quarantine_orphans(audit.audit(), older_than=0)
    _put_policy(s3_endpoint, {"Version": "2012-10-17", "Statement": [
        {"Sid": "NoPublicTrash", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{_bucket()}/trash/*",
         "Condition": {"StringNotEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/other"}}}]})
    for args in (["--list-trash"], ["--restore", moved.batch], ["--purge-trash", "--older-than", "0"]):
        with pytest.raises(CommandError, match=r"refused access \(403\) while .*bucket policy denies"):
            call_command("cleanup_orphans", *args, "--no-progress")
    response = admin_client.get(reverse(AUDIT_URL))
    assert response.status_code == 200 and "refused access (403) while listing the trash batches" in (
        response.content.decode())
    response = admin_client.post(reverse(AUDIT_URL), {"action": "restore", "batch": moved.batch}, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]][0].startswith(
        f"The storage refused access (403) while restoring trash batch {moved.batch}")
    assert any(r.name == "mediadmin.storage_errors" and r.levelname == "ERROR" for r in caplog.records)
    assert f"media/{orphan}" not in s3_storage("media/")  # nothing restored half-way
    assert f"trash/default/{moved.batch}/files/{orphan}" in s3_storage("trash/")  # nor purged


def test_a_refused_write_stops_the_quarantine_and_leaves_the_files_where_they_were(s3_storage, s3_endpoint):
    names = [store(default_storage, f"product_images/orphan-{i}.png") for i in range(3)]
    _put_policy(s3_endpoint, {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{_bucket()}/trash/*"}]})
    with pytest.raises(CommandError, match=r"refused access \(403\) while moving files to the trash"):
        call_command("cleanup_orphans", "--delete", "--older-than", "0", "--no-progress")
    assert s3_storage("media/") == sorted(f"media/{n}" for n in names) and s3_storage("trash/") == []


@pytest.fixture
def missing_bucket(settings, s3_endpoint, monkeypatch):
    """Settings pointing at a bucket that does not exist on the S3 server."""
    for key, value in s3.CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    s3.use_s3(settings, s3_endpoint, "mediadmin-no-such-bucket")


def test_a_missing_bucket_is_a_clear_message_in_the_command_and_the_page(missing_bucket, admin_client):
    for args in ([], ["--list-trash"], ["--restore", "20260101T000000Z-abcdef"]):
        with pytest.raises(CommandError, match=r"bucket does not exist \(NoSuchBucket\).*MEDIADMIN_S3_BUCKET"):
            call_command("cleanup_orphans", *args, "--no-progress")
    response = admin_client.get(reverse(AUDIT_URL))
    assert response.status_code == 200
    assert "The bucket does not exist (NoSuchBucket) while scanning the storage" in response.content.decode()
    for action in ({"action": "quarantine", "name": "product_images/x.png"},
                   {"action": "purge", "batch": "20260101T000000Z-abcdef"}):
        response = admin_client.post(reverse(AUDIT_URL), action, follow=True)
        assert response.status_code == 200
        assert "(NoSuchBucket)" in [str(m) for m in response.context["messages"]][0]


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.fixture
def silent_endpoint():
    """An endpoint that accepts connections and never answers (a hung S3 API)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    server.close()
    for conn in held:
        conn.close()


@pytest.mark.parametrize("endpoint_kind", ["closed port", "silent"])
def test_an_unreachable_or_silent_endpoint_is_a_clear_message(endpoint_kind, settings, monkeypatch, admin_client,
                                                               request):
    endpoint = (f"http://127.0.0.1:{_closed_port()}" if endpoint_kind == "closed port"
                else request.getfixturevalue("silent_endpoint"))
    for key, value in s3.CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    s3.use_s3(settings, endpoint, "mediadmin-unreachable", client_config=IMPATIENT)
    with pytest.raises(CommandError, match=r"could not be reached or did not answer in time while listing the "
                                           r"trash batches.*MEDIADMIN_S3_ENDPOINT_URL"):
        call_command("cleanup_orphans", "--list-trash", "--no-progress")
    response = admin_client.get(reverse(AUDIT_URL))
    assert response.status_code == 200
    assert "could not be reached or did not answer in time while scanning the storage" in response.content.decode()


@pytest.mark.parametrize("endpoint_kind", ["missing bucket", "closed port"])
def test_the_command_exits_with_one_line_and_no_traceback(endpoint_kind, s3_endpoint):
    endpoint = s3_endpoint if endpoint_kind == "missing bucket" else f"http://127.0.0.1:{_closed_port()}"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MEDIADMIN_"))}
    env = {**clean, **s3.CREDENTIALS, "AWS_MAX_ATTEMPTS": "1", "DJANGO_SETTINGS_MODULE": "mediadmin.settings",
           "MEDIADMIN_S3_BUCKET": "mediadmin-no-such-bucket", "MEDIADMIN_S3_ENDPOINT_URL": endpoint}
    result = subprocess.run([sys.executable, "manage.py", "cleanup_orphans", "--list-trash"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "CommandError: The " in result.stderr and "Traceback" not in result.stderr
    assert ("NoSuchBucket" if endpoint_kind == "missing bucket" else "could not be reached") in result.stderr


def test_a_trash_under_the_public_media_prefix_is_a_warning_with_a_hint(settings):
    s3.use_s3(settings, "http://127.0.0.1:9", "shop-media")
    assert checks.check_trash_not_public(None) == []
    settings.MEDIADMIN_TRASH_STORAGE, settings.MEDIADMIN_TRASH_PREFIX = None, ".trash/"  # each storage's own
    warnings = checks.check_trash_not_public(None)
    assert [(w.id, "'media/.trash/'" in w.msg) for w in warnings] == [("mediadmin.W022", True)]
    assert "MEDIADMIN_TRASH_STORAGE" in warnings[0].hint  # private/.trash/ is not public: no warning
    settings.MEDIADMIN_TRASH_STORAGE = "default"  # both trashes under media/
    assert [w.msg.split(" is ")[0] for w in checks.check_trash_not_public(None)] == [
        "The trash of STORAGES['default']", "The trash of STORAGES['private']"]


def test_the_trash_storage_is_not_audited_as_uploads(s3_storage, admin_client):
    assert "trash" not in audit.audited_aliases()
    with pytest.raises(CommandError, match="holds the trash"):
        call_command("cleanup_orphans", "--storage", "trash", "--no-progress")
    assert admin_client.get(reverse(AUDIT_URL), {"storage": "trash"}).context["alias"] == "default"
