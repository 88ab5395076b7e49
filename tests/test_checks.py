"""System checks catch dangerous configuration."""
from mediadmin import checks


def test_no_errors_with_the_default_configuration():
    assert checks.check_cleanup_last(None) == []
    assert checks.check_pillow_codecs(None) == []
    assert checks.check_media_root_writable(None) == []


def test_cleanup_not_last_is_an_error(settings):
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS[:-1], "django_cleanup.apps.CleanupConfig",
                               "django.contrib.humanize"]
    [error] = checks.check_cleanup_last(None)
    assert error.id == "mediadmin.E001" and "end of INSTALLED_APPS" in error.hint


def test_unwritable_media_root_is_an_error(settings, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    settings.MEDIA_ROOT = locked / "media"
    import os
    if os.access(locked, os.W_OK):  # root can write anywhere; use a path under a file instead
        (tmp_path / "file").write_text("x")
        settings.MEDIA_ROOT = tmp_path / "file" / "media"
    [error] = checks.check_media_root_writable(None)
    assert error.id == "mediadmin.E003"


def test_media_served_by_django_without_debug_is_a_warning(settings):
    settings.DEBUG, settings.MEDIADMIN_SERVE_MEDIA = False, True
    [warning] = checks.check_media_served_by_django(None)
    assert warning.id == "mediadmin.W003"
    settings.MEDIADMIN_SERVE_MEDIA = False
    assert checks.check_media_served_by_django(None) == []


def test_disabled_pixel_limits_are_errors(settings, monkeypatch):
    from PIL import Image

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    settings.MEDIADMIN_MAX_IMAGE_PIXELS = 0
    assert [e.id for e in checks.check_pixel_limit(None)] == ["mediadmin.E004", "mediadmin.E007"]


def test_ghostscript_formats_are_errors(settings):
    settings.MEDIADMIN_IMAGE_FORMATS = ["JPEG", "EPS"]
    [error] = checks.check_no_ghostscript_formats(None)
    assert error.id == "mediadmin.E005" and "EPS" in error.msg


def test_s3_with_overwrite_is_an_error(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage"}}
    [error] = checks.check_s3_overwrite_off(None)
    assert error.id == "mediadmin.E006"
    settings.STORAGES["default"]["OPTIONS"] = {"file_overwrite": False}
    assert checks.check_s3_overwrite_off(None) == []


def test_the_responsive_sizes_are_checked(settings, monkeypatch):
    from PIL import features

    assert checks.check_responsive_sizes(None) == []
    settings.MEDIADMIN_RESPONSIVE_SIZES = {
        "detail": {"widths": [400, 0], "formats": ["AVIF", "GIF"]}, "poster": {"widths": [1200]}}
    settings.MEDIADMIN_AVIF_SPEED = 12
    [error] = checks.check_responsive_sizes(None)
    assert error.id == "mediadmin.E024"
    for said in ("'poster' is not a size", "positive whole widths", "'GIF'", "MEDIADMIN_AVIF_SPEED"):
        assert said in error.msg
    settings.MEDIADMIN_RESPONSIVE_SIZES = {"card": {"widths": [320], "formats": ["AVIF"]}}
    settings.MEDIADMIN_AVIF_SPEED = 8
    real_check = features.check
    monkeypatch.setattr(features, "check", lambda feature: feature != "avif" and real_check(feature))
    [error] = checks.check_responsive_sizes(None)  # a Pillow built without libavif
    assert "AVIF, which this Pillow cannot write" in error.msg and "wheels" in error.hint
