"""App configuration: registers system checks and signal receivers."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediadminConfig(AppConfig):
    """The single mediadmin app."""

    name = "mediadmin"
    verbose_name = _("Media manager")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """Register checks and connect receivers once the registry is ready."""
        from . import checks, receivers  # noqa: F401  (checks register on import)

        receivers.connect()
