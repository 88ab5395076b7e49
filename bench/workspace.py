"""The throw-away Django a benchmark runs on: its own SQLite database and media folders in a temporary folder.

Every benchmark measures the production settings (mediadmin.settings) and must never touch the
project's db.sqlite3 or media/; `throwaway_env()` says where instead, `extra` adds what one
benchmark needs (a host name for the test client, DEBUG for runserver...).
"""


def throwaway_env(work, **extra):
    """The environment variables that point mediadmin's settings at the folder `work` (a pathlib.Path)."""
    return {
        "DJANGO_SETTINGS_MODULE": "mediadmin.settings",
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(work / "media"),
        "MEDIADMIN_PRIVATE_ROOT": str(work / "private"),
        "MEDIADMIN_LOG_LEVEL": "ERROR",
        **extra,
    }
