"""Uploaded files go through two STORAGES aliases: "default" (photos, news images) and "private"
(self-service attachments). Local disk unless FILE_STORAGE=s3 points both at an S3-compatible store."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.files.storage import default_storage, storages

from news.models import Article
from people.models import Employee
from self_service.models import Attachment
from self_service.storage import PrivateFileSystemStorage

ROOT = Path(__file__).resolve().parents[2]


def test_local_disk_is_the_default_and_attachments_use_the_private_alias(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    private = storages["private"]

    assert isinstance(private, PrivateFileSystemStorage)
    assert Attachment._meta.get_field("file").storage is private
    assert Path(private.location) == tmp_path / "private"  # follows the setting
    assert Employee._meta.get_field("photo").storage is default_storage
    assert Article._meta.get_field("image").storage is default_storage
    name = private.save("evidence/note.txt", __import__("io").BytesIO(b"fit note"))
    assert (tmp_path / "private" / name).read_bytes() == b"fit note"


def _storage_config(**env) -> subprocess.CompletedProcess:
    script = """
import json, django
django.setup()
from django.core.files.storage import storages
from self_service.models import Attachment
out = {}
for alias in ("default", "private"):
    s = storages[alias]
    out[alias] = {"class": type(s).__module__ + "." + type(s).__name__, "bucket": s.bucket_name,
                  "location": s.location, "endpoint": s.endpoint_url, "signed": s.querystring_auth,
                  "url": s.url("photos/a.jpg")}
out["attachment_storage_is_private"] = Attachment._meta.get_field("file").storage is storages["private"]
print(json.dumps(out))
"""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("S3_", "FILE_STORAGE"))}
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**base, "DJANGO_SETTINGS_MODULE": "intranet.settings.test", **env})


def test_file_storage_s3_puts_both_aliases_in_the_object_store():
    result = _storage_config(FILE_STORAGE="s3", S3_BUCKET="council-intranet", S3_PRIVATE_BUCKET="council-private",
                             S3_ENDPOINT_URL="https://objects.council.example", S3_REGION="eu-west-2",
                             S3_ACCESS_KEY_ID="test-key", S3_SECRET_ACCESS_KEY="test-secret")

    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["default"]["class"] == config["private"]["class"] == "storages.backends.s3.S3Storage"
    assert (config["default"]["bucket"], config["default"]["location"]) == ("council-intranet", "media")
    assert (config["private"]["bucket"], config["private"]["location"]) == ("council-private", "private")
    assert config["default"]["endpoint"] == "https://objects.council.example"
    # Private files only ever have short-lived signed links; media too unless a public domain is set.
    assert config["private"]["signed"] and "X-Amz-Signature" in config["private"]["url"]
    assert config["default"]["url"].startswith("https://objects.council.example/council-intranet/media/photos/a.jpg")
    assert config["attachment_storage_is_private"]


def test_a_public_media_domain_gives_plain_links_for_photos_only():
    result = _storage_config(FILE_STORAGE="s3", S3_BUCKET="council-intranet", S3_MEDIA_CUSTOM_DOMAIN="media.council.example",
                             S3_MEDIA_SIGNED_URLS="false", S3_ACCESS_KEY_ID="k", S3_SECRET_ACCESS_KEY="s")

    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["default"]["url"] == "https://media.council.example/media/photos/a.jpg"
    assert config["private"]["bucket"] == "council-intranet" and config["private"]["signed"]
    assert "X-Amz-Signature" in config["private"]["url"]


def test_an_unknown_file_storage_is_refused():
    result = _storage_config(FILE_STORAGE="nfs")

    assert result.returncode != 0
    assert "FILE_STORAGE must be 'local' or 's3'" in result.stderr
