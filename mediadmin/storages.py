"""The private storage for documents: outside MEDIA_ROOT, served only through a checked view."""
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, cached_property, empty


class PrivateFileSystemStorage(FileSystemStorage):
    """Local storage under MEDIADMIN_PRIVATE_ROOT whose URLs point at the download view."""

    @cached_property
    def base_location(self):
        """MEDIADMIN_PRIVATE_ROOT unless a location was given."""
        return self._value_or_setting(self._location, settings.MEDIADMIN_PRIVATE_ROOT)

    @cached_property
    def base_url(self):
        """MEDIADMIN_PRIVATE_URL (the download view), never MEDIA_URL."""
        url = self._value_or_setting(self._base_url, settings.MEDIADMIN_PRIVATE_URL)
        return url if url.endswith("/") else url + "/"

    def _clear_cached_properties(self, setting, **kwargs):
        """Also follow changes of the private settings (tests change them)."""
        super()._clear_cached_properties(setting, **kwargs)
        if setting in {"MEDIADMIN_PRIVATE_ROOT", "MEDIADMIN_PRIVATE_URL"}:
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)
            self.__dict__.pop("base_url", None)


class _PrivateStorage(LazyObject):
    """STORAGES["private"], looked up on first use and again after STORAGES changes."""

    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorage()


@receiver(setting_changed)
def _reset_private_storage(setting, **kwargs):
    if setting in {"STORAGES", "MEDIADMIN_PRIVATE_ROOT"}:
        _private._wrapped = empty


def private_storage():
    """The storage of documents (STORAGES["private"]), for FileField(storage=...)."""
    return _private

