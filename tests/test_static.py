"""collectstatic gathers mediadmin's assets and the admin's own, with hashed names."""
import json

from django.core.management import call_command


def test_collectstatic_with_whitenoise_manifest(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0)
    root = settings.STATIC_ROOT
    for path in ("mediadmin/css/admin.css", "mediadmin/js/image-preview.js",
                 "mediadmin/css/site.css", "admin/css/base.css", "admin/js/core.js"):
        assert (root / path).is_file(), path
    manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
    hashed = manifest["mediadmin/css/admin.css"]
    assert hashed != "mediadmin/css/admin.css" and (root / hashed).is_file()
    assert (root / f"{hashed}.gz").is_file()
