"""E-learning packages: the learning team uploads a SCORM 1.2, SCORM 2004 or cmi5 zip; a bad one is
refused naming the problem, with nothing stored; a new upload is a new version and attempts in
progress keep theirs."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.models import AuditEntry
from training import services
from training.elearning.manifest import Limits, PackageRefused
from training.elearning.sample import sample_package
from training.models import Course, ElearningPackage

from .conftest import make_course

SMALL = Limits(upload_bytes=2 * 1024 * 1024, total_bytes=4 * 1024 * 1024, file_bytes=3 * 1024 * 1024, ratio=100,
               files=50)


@pytest.fixture
def elearning(db):
    return make_course("spot-scams", kind=Course.Kind.ELEARNING, title="Spot scams and phishing", launch_url="")


def upload(data: bytes, name="package.zip"):
    return SimpleUploadedFile(name, data, content_type="application/zip")


def zip_of(files: dict[str, bytes | str], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def sample_with(standard="scorm2004", drop=(), add=None, replace=None) -> bytes:
    """The sample package with files dropped, added or replaced."""
    source = zipfile.ZipFile(io.BytesIO(sample_package(standard)))
    files = {n: source.read(n) for n in source.namelist() if n not in drop}
    files.update(add or {})
    for name, (old, new) in (replace or {}).items():
        files[name] = files[name].replace(old, new)
    return zip_of(files)


def stored_files() -> list[str]:
    root = Path(storages["private"].path("elearning"))
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize(("standard", "label", "launch"), [
    ("scorm12", "SCORM 1.2", "index.html"), ("scorm2004", "SCORM 2004", "index.html"), ("cmi5", "cmi5", "index.html"),
])
def test_learning_team_uploads_each_standard(login, learning_admin, elearning, standard, label, launch):
    client = login(learning_admin)
    response = client.post(reverse("training:elearning_packages", args=[elearning.code]),
                           {"package": upload(sample_package(standard))}, follow=True)
    assert response.status_code == 200
    assert "Version 1 of “Spot scams and phishing” is uploaded" in response.content.decode()
    package = ElearningPackage.objects.get(course=elearning)
    assert (package.get_standard_display(), package.launch_path, package.version) == (label, launch, 1)
    assert set(package.files) >= {"index.html", "content.js", "style.css"}
    # in private storage, under the package's own prefix
    assert storages["private"].exists(f"{package.storage_prefix}/index.html")
    assert AuditEntry.objects.filter(action="elearning.package_uploaded").count() == 1
    if standard == "cmi5":
        assert package.activity_iri.startswith("https://") and package.move_on == "CompletedAndPassed"


def test_scorm_2004_3rd_edition_is_read(learning_admin, elearning):
    third = sample_with(replace={"imsmanifest.xml": (b"2004 4th Edition", b"2004 3rd Edition")})
    package = services.package_upload(actor=learning_admin.user, course=elearning, upload=upload(third))
    assert (package.standard, package.edition) == ("scorm2004", "2004 3rd Edition")


def test_employees_cannot_upload(login, people, elearning):
    response = login(people["alice"]).post(reverse("training:elearning_packages", args=[elearning.code]),
                                           {"package": upload(sample_package())})
    assert response.status_code == 403
    assert not ElearningPackage.objects.exists()


BOMB = b"0" * (3 * 1024 * 1024)  # compresses about a thousand times


def wordy(size: int, seed: int) -> bytes:
    """Text that compresses about tenfold: well under the ratio limit."""
    import random

    rng = random.Random(seed)
    words = ["scam", "phishing", "link", "report", "password", "sender", "urgent", "bank"]
    return " ".join(rng.choice(words) for _ in range(size // 6)).encode()[:size]


@pytest.mark.parametrize(("package", "message"), [
    (b"not a zip at all", "The file is not a zip"),
    (zip_of({"index.html": "<p>hello</p>"}), "The zip has no imsmanifest.xml (SCORM) or cmi5.xml (cmi5) at its top"),
    (zip_of({"course/imsmanifest.xml": "<manifest/>", "course/index.html": "x"}), "there is one at “course/imsmanifest.xml”"),
    (sample_with(drop=["index.html"]), "The manifest launches “index.html”, but the zip has no such file."),
    (sample_with("cmi5", drop=["index.html"]), "The manifest launches “index.html”, but the zip has no such file."),
    (sample_with(add={"../../etc/evil.html": "x"}), "points outside the package (“../”)"),
    (sample_with(add={"/etc/evil.html": "x"}), "an absolute path"),
    (sample_with(add={"bomb.txt": BOMB}), "looks like a zip bomb"),
    (sample_with(add={"big.mp4": b"x" * 10, **{f"a{n}.txt": wordy(1_100_000, n) for n in range(4)}}),
     "unpacks to more than 4 MB in all"),
    (zip_of({"imsmanifest.xml": "x", "video.mp4": wordy(3_600_000, 9)}),
     "“video.mp4” is 3.4 MB unpacked; each file may be at most 3 MB."),
    (sample_with(add={"setup.exe": b"MZ"}), "“setup.exe” is a file type packages may not hold (.exe)"),
    (sample_with(add={"run.php": b"<?php"}), "(.php)"),
    (sample_with(replace={"imsmanifest.xml": (b"2004 4th Edition", b"CAM 1.3")}), "SCORM 2004 2nd edition"),
    (sample_with(replace={"imsmanifest.xml": (b"<schemaversion>2004 4th Edition</schemaversion>", b"")}),
     "does not say which SCORM version it is"),
    (sample_with(replace={"imsmanifest.xml": (b"</manifest>", b"")}), "imsmanifest.xml is not well-formed XML"),
    (sample_with(replace={"imsmanifest.xml": (b'<?xml version="1.0" encoding="UTF-8"?>',
                                              b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaa">]>')}),
     "imsmanifest.xml is not well-formed XML"),
    (sample_with(replace={"imsmanifest.xml": (b'href="index.html">', b'href="https://elsewhere.example/x.html">')}),
     "is outside the package"),
])
def test_bad_packages_are_refused_and_nothing_is_stored(login, learning_admin, elearning, settings, package, message):
    settings.TRAINING_PACKAGE_MAX_UPLOAD_MB, settings.TRAINING_PACKAGE_MAX_TOTAL_MB = 2, 4
    settings.TRAINING_PACKAGE_MAX_FILE_MB, settings.TRAINING_PACKAGE_MAX_FILES = 3, 50
    before = stored_files()
    response = login(learning_admin).post(reverse("training:elearning_packages", args=[elearning.code]),
                                          {"package": upload(package)})
    assert response.status_code == 200
    assert message in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert "govuk-error-summary" in response.content.decode()
    assert not ElearningPackage.objects.exists()
    assert stored_files() == before
    assert not AuditEntry.objects.filter(action="elearning.package_uploaded").exists()


def _damaged() -> bytes:
    """The sample with one member's bytes corrupted after its header: its CRC no longer matches."""
    data = bytearray(sample_package())
    at = data.index(b"content.js") + 40
    data[at:at + 20] = b"\x00" * 20
    return bytes(data)


def _encrypted() -> bytes:
    data = bytearray(sample_package())
    # set the "encrypted" flag bit on every local and central header
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at != -1:
            data[at + offset] |= 0x1
            at = data.find(signature, at + 4)
    return bytes(data)


@pytest.mark.parametrize(("package", "message"), [
    (_damaged(), "is damaged in the zip"),
    (_encrypted(), "is encrypted in the zip"),
])
def test_damaged_or_encrypted_zips_are_refused(login, learning_admin, elearning, package, message):
    before = stored_files()
    response = login(learning_admin).post(reverse("training:elearning_packages", args=[elearning.code]),
                                          {"package": upload(package)})
    assert response.status_code == 200 and message in response.content.decode()
    assert not ElearningPackage.objects.exists() and stored_files() == before


def test_upload_over_the_size_limit_is_refused(learning_admin, elearning):
    with pytest.raises(PackageRefused, match="a package may be at most 2 MB"):
        services.package_upload(actor=learning_admin.user, course=elearning,
                                upload=upload(sample_package() + b"\0" * (2 * 1024 * 1024)), limits=SMALL)
    assert not ElearningPackage.objects.exists()


def test_storage_failing_half_way_leaves_nothing(learning_admin, elearning, monkeypatch):
    storage = storages["private"]
    real_save, calls = storage.save, []

    def flaky_save(name, content, **kw):
        calls.append(name)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_save(name, content, **kw)

    before = stored_files()
    monkeypatch.setattr(storage, "save", flaky_save)
    with pytest.raises(OSError):
        services.package_upload(actor=learning_admin.user, course=elearning, upload=upload(sample_package()))
    assert stored_files() == before
    assert not ElearningPackage.objects.exists()


def test_new_upload_is_a_new_version_and_attempts_keep_theirs(learning_admin, people, elearning):
    first = services.package_upload(actor=learning_admin.user, course=elearning, upload=upload(sample_package()))
    attempt = services.attempt_open(actor=people["alice"].user, employee=people["alice"], course=elearning)
    second = services.package_upload(actor=learning_admin.user, course=elearning,
                                     upload=upload(sample_package("scorm12")))
    first.refresh_from_db()
    assert (first.version, first.is_current, second.version, second.is_current) == (1, False, 2, True)
    # Alice, part way through, carries on with version 1; Bob starts on version 2.
    again = services.attempt_open(actor=people["alice"].user, employee=people["alice"], course=elearning)
    assert again.pk == attempt.pk and again.package_id == first.pk
    bob = services.attempt_open(actor=people["bob"].user, employee=people["bob"], course=elearning)
    assert bob.package_id == second.pk
    assert first.storage_prefix != second.storage_prefix
    assert storages["private"].exists(f"{first.storage_prefix}/index.html")
