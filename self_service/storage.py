"""Private file storage for self-service attachments (fit notes, receipts, evidence for name changes).

Files live under PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, so a reverse proxy serving /media/ can never
hand them out. The only way to read one is the permission-checked download view."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.functional import cached_property


class PrivateFileSystemStorage(FileSystemStorage):
    """The "private" alias on local disk: PRIVATE_MEDIA_ROOT unless given a location."""

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def url(self, name):
        # FileSystemStorage falls back to MEDIA_URL when base_url is None, which would build a
        # /media/ link to a file that is not there (or, worse, is). There is no public URL.
        raise ValueError("Private files have no public URL; link to the download view instead.")


def private_storage():
    """The FileField's storage callable: the migration records this function rather than a path
    that differs between environments. The "private" STORAGES alias: local disk or an S3 bucket."""
    return storages["private"]
