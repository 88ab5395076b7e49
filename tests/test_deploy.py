"""`check --deploy` passes with the production environment documented in docs/deployment.md."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_SECRET_KEY": "k9#" + "production-secret-" * 4,
    "DJANGO_ALLOWED_HOSTS": "shop.example.com",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://shop.example.com",
    "DJANGO_BEHIND_PROXY": "1",
    "DJANGO_SECURE_SSL_REDIRECT": "1",
    "DJANGO_SECURE_COOKIES": "1",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_SECURE_HSTS_PRELOAD": "1",
    "MEDIADMIN_S3_BUCKET": "shop-media",
    "MEDIADMIN_S3_REGION": "eu-west-1",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    "MEDIADMIN_THUMBNAIL_MAKE_IN_REQUEST": "0",
}


def _check(extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MEDIADMIN_"))}
    env.update(DJANGO_SETTINGS_MODULE="mediadmin.settings", **extra)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=env, capture_output=True, text=True)


def test_check_deploy_passes_with_the_documented_production_environment():
    result = _check(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_with_the_development_defaults():
    result = _check({})
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout  # the development SECRET_KEY
