"""`check --deploy` passes with deploy/env.example, the production environment docs/deployment.md installs."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _example_env():
    """deploy/env.example's KEY=value lines, with a secret key filled in as the runbook does."""
    env = {}
    for line in (ROOT / "deploy" / "env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    assert env.pop("DJANGO_SECRET_KEY") == "", "the example must not ship a usable secret key"
    return {**env, "DJANGO_SECRET_KEY": "k9#" + "production-secret-" * 4}


PRODUCTION = _example_env()


def _check(extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MEDIADMIN_"))}
    env.update(DJANGO_SETTINGS_MODULE="mediadmin.settings", **extra)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          cwd=ROOT, env=env, capture_output=True, text=True)


def test_check_deploy_passes_with_the_example_env_file():
    result = _check(PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_with_the_development_defaults():
    result = _check({})
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout  # the development SECRET_KEY


def test_a_deliberate_opt_out_is_written_in_the_env_file_not_failed():
    """Without preload the check fails (W021), unless DJANGO_SILENCED_SYSTEM_CHECKS names it."""
    without_preload = {**PRODUCTION, "DJANGO_SECURE_HSTS_PRELOAD": "0"}
    refused = _check(without_preload)
    assert refused.returncode != 0 and "security.W021" in refused.stderr + refused.stdout
    silenced = _check({**without_preload, "DJANGO_SILENCED_SYSTEM_CHECKS": "security.W021"})
    assert silenced.returncode == 0, silenced.stdout + silenced.stderr
