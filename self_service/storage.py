"""Private file storage for self-service attachments (fit notes, receipts, evidence for name changes).

Files live under PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT, so a reverse proxy serving /media/ can never
hand them out. The only way to read one is the permission-checked download view."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    def url(self, name):
        # FileSystemStorage falls back to MEDIA_URL when base_url is None, which would build a
        # /media/ link to a file that is not there (or, worse, is). There is no public URL.
        raise ValueError("Private files have no public URL; link to the download view instead.")


def private_storage():
    """The FileField's storage callable: the migration records this function rather than a path
    that differs between environments."""
    return PrivateFileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)
