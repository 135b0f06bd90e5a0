"""Reading an uploaded e-learning zip: what standard it is, what it launches, and every reason to
refuse it. Nothing here writes anything; `services.elearning.package_upload` stores what passes.

Refusals are `PackageRefused` (a DomainError on the `package` field) naming the problem and the file:
no manifest, a launch file the zip lacks, a path leaving the package (`../`, absolute, a drive, a
link), a zip bomb (a file or the whole unpacking past the limits, or compressed beyond the ratio),
a file type we do not serve. Manifests are parsed with defusedxml (no entities, no external DTDs).

Specifications: SCORM 2004 4th Edition CAM (imsmanifest.xml: organizations/item@identifierref ->
resources/resource@href with adlcp:scormType="sco", xml:base on resources and resource), SCORM 1.2
CAM (adlcp:scormtype), cmi5 section 13 (courseStructure/au with url, id, moveOn, masteryScore)."""

import posixpath
import stat
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings

from core.errors import DomainError

MB = 1024 * 1024
# What a browser needs to play a package, and nothing that runs on a server or a desktop.
ALLOWED_EXTENSIONS = frozenset(["html", "htm", "xhtml", "js", "mjs", "css", "json", "xml", "xsd", "dtd", "txt", "map", "vtt", "srt", "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "bmp", "mp3", "m4a", "aac", "wav", "ogg", "oga", "opus", "mp4", "m4v", "webm", "ogv", "woff", "woff2", "ttf", "otf", "eot", "pdf", "csv", "md"])


class PackageRefused(DomainError):
    def __init__(self, message: str):
        super().__init__(message, field="package")


@dataclass
class PackageInfo:
    standard: str  # ElearningPackage.Standard value
    edition: str
    title: str
    launch_path: str  # relative to the package root, possibly with a query string
    files: list[str] = field(default_factory=list)
    total_bytes: int = 0
    activity_iri: str = ""
    move_on: str = ""
    mastery_score: Decimal | None = None


@dataclass(frozen=True)
class Limits:
    upload_bytes: int
    total_bytes: int
    file_bytes: int
    ratio: int
    files: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(settings.TRAINING_PACKAGE_MAX_UPLOAD_MB * MB, settings.TRAINING_PACKAGE_MAX_TOTAL_MB * MB,
                   settings.TRAINING_PACKAGE_MAX_FILE_MB * MB, settings.TRAINING_PACKAGE_MAX_RATIO,
                   settings.TRAINING_PACKAGE_MAX_FILES)


def _safe_name(name: str) -> str:
    """The member's path inside the package, or a refusal when it would leave it."""
    if "\\" in name or "\x00" in name:
        raise PackageRefused(f"The zip holds a file named “{name}”: file names may not contain backslashes.")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise PackageRefused(f"The zip holds “{name}”, an absolute path: every file must sit inside the package.")
    parts = name.split("/")
    if ".." in parts:
        raise PackageRefused(f"The zip holds “{name}”, which points outside the package (“../”). "
                             "Export the package again from the authoring tool.")
    return posixpath.normpath(name)


def _members(archive: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > limits.files:
        raise PackageRefused(f"The zip holds {len(infos)} files; a package may hold at most {limits.files}.")
    total, files = 0, []
    for info in infos:
        name = _safe_name(info.filename)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise PackageRefused(f"The zip holds “{info.filename}”, a link: packages may hold files only.")
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise PackageRefused(f"“{name}” is encrypted in the zip: export the package without a password.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise PackageRefused(f"“{name}” is compressed in a way we do not read: export the package as an "
                                 "ordinary zip.")
        if info.file_size > limits.file_bytes:
            raise PackageRefused(f"“{name}” is {info.file_size / MB:.1f} MB unpacked; each file may be at most "
                                 f"{limits.file_bytes // MB} MB.")
        if info.file_size > 1024 * 1024 and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise PackageRefused(f"“{name}” unpacks to more than {limits.ratio} times its packed size: the zip "
                                 "looks like a zip bomb and is refused.")
        total += info.file_size
        if total > limits.total_bytes:
            raise PackageRefused(f"The package unpacks to more than {limits.total_bytes // MB} MB in all; "
                                 "it is refused.")
        ext = posixpath.splitext(name)[1].lower().lstrip(".")
        if ext not in ALLOWED_EXTENSIONS:
            raise PackageRefused(f"“{name}” is a file type packages may not hold (.{ext or 'no extension'}). "
                                 "Allowed: web pages, scripts, styles, images, audio, video, fonts and PDFs.")
        info.filename = name
        files.append(info)
    return files


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(node, name: str):
    return [c for c in node if _local(c.tag) == name]


def _attr(node, name: str) -> str:
    for key, value in node.attrib.items():
        if _local(key).lower() == name.lower():
            return value.strip()
    return ""


def _parse(archive: zipfile.ZipFile, name: str):
    try:
        return ElementTree.fromstring(archive.read(name))
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise PackageRefused(f"{name} is not well-formed XML ({exc}).") from None


def _text(node, *path: str) -> str:
    for step in path:
        found = _children(node, step) if node is not None else []
        node = found[0] if found else None
    return (node.text or "").strip() if node is not None else ""


def _join_launch(*parts: str) -> str:
    """xml:base values and the href, joined as URL paths; the query string is kept apart."""
    href = parts[-1]
    split = urlsplit(href)
    if split.scheme or split.netloc:
        raise PackageRefused(f"The launch address “{href}” is outside the package: we play packaged content only.")
    path = "".join(p for p in parts[:-1] if p) + split.path
    path = posixpath.normpath(path.lstrip("/")) if path else ""
    if path.startswith("../") or path == "..":
        raise PackageRefused(f"The launch address “{href}” points outside the package.")
    return path + (f"?{split.query}" if split.query else "")


def _scorm(archive: zipfile.ZipFile, names: set[str]) -> PackageInfo:
    root = _parse(archive, "imsmanifest.xml")
    if _local(root.tag) != "manifest":
        raise PackageRefused("imsmanifest.xml does not start with a <manifest> element.")
    version = _text(root, "metadata", "schemaversion")
    if version == "1.2":
        standard, edition = "scorm12", "1.2"
    elif version in ("2004 3rd Edition", "2004 4th Edition"):
        standard, edition = "scorm2004", version
    elif version in ("CAM 1.3", "2004 2nd Edition"):
        raise PackageRefused(f"The manifest is SCORM 2004 2nd edition (“{version}”); we play SCORM 1.2 and "
                             "SCORM 2004 3rd or 4th edition. Publish it again as one of those.")
    else:
        raise PackageRefused("imsmanifest.xml does not say which SCORM version it is (metadata/schemaversion "
                             f"is “{version or 'missing'}”; expected 1.2, 2004 3rd Edition or 2004 4th Edition).")
    orgs = (_children(root, "organizations") or [None])[0]
    if orgs is None or not _children(orgs, "organization"):
        raise PackageRefused("imsmanifest.xml has no <organization>: there is nothing to launch.")
    default = _attr(orgs, "default")
    org = next((o for o in _children(orgs, "organization") if _attr(o, "identifier") == default),
               _children(orgs, "organization")[0])
    resources_node = (_children(root, "resources") or [None])[0]
    resources = {_attr(r, "identifier"): r for r in _children(resources_node, "resource")} if resources_node else {}

    def first_sco(node):
        for item in _children(node, "item"):
            ref = _attr(item, "identifierref")
            if ref:
                return item, ref
            found = first_sco(item)
            if found:
                return found
        return None

    found = first_sco(org)
    if not found:
        raise PackageRefused("imsmanifest.xml has no item that points at a resource: there is nothing to launch.")
    item, ref = found
    resource = resources.get(ref)
    if resource is None:
        raise PackageRefused(f"The first item points at resource “{ref}”, which the manifest does not define.")
    href = _attr(resource, "href")
    if not href:
        raise PackageRefused(f"Resource “{ref}” has no href: there is no launch file.")
    launch = _join_launch(_attr(resources_node, "base"), _attr(resource, "base"), href)
    params = _attr(item, "parameters")
    if params:
        launch += ("&" if "?" in launch else "?") + params.lstrip("?&")
    _launch_exists(launch, names)
    title = _text(org, "title") or _text(item, "title") or "E-learning"
    return PackageInfo(standard=standard, edition=edition, title=title, launch_path=launch)


def _cmi5(archive: zipfile.ZipFile, names: set[str]) -> PackageInfo:
    root = _parse(archive, "cmi5.xml")
    if _local(root.tag) != "courseStructure":
        raise PackageRefused("cmi5.xml does not start with a <courseStructure> element.")

    def aus(node):
        for child in node:
            if _local(child.tag) == "au":
                yield child
            elif _local(child.tag) == "block":
                yield from aus(child)

    au = next(aus(root), None)
    if au is None:
        raise PackageRefused("cmi5.xml has no <au>: there is nothing to launch.")
    url, iri = _text(au, "url"), _attr(au, "id")
    if not url:
        raise PackageRefused("The cmi5 AU has no <url>: there is no launch file.")
    if not urlsplit(iri).scheme:
        raise PackageRefused(f"The cmi5 AU's id “{iri or 'missing'}” is not an IRI.")
    launch = _join_launch(url)
    _launch_exists(launch, names)
    mastery = _attr(au, "masteryScore")
    try:
        mastery_score = Decimal(mastery) if mastery else None
    except InvalidOperation:
        raise PackageRefused(f"The cmi5 AU's masteryScore “{mastery}” is not a number.") from None
    if mastery_score is not None and not 0 <= mastery_score <= 1:
        raise PackageRefused(f"The cmi5 AU's masteryScore {mastery} is not between 0 and 1.")
    title = _text(au, "title", "langstring") or _text(root, "course", "title", "langstring") or "E-learning"
    return PackageInfo(standard="cmi5", edition="cmi5", title=title, launch_path=launch, activity_iri=iri,
                       move_on=_attr(au, "moveOn") or "NotApplicable", mastery_score=mastery_score)


def _launch_exists(launch: str, names: set[str]) -> None:
    path = launch.split("?", 1)[0]
    if path not in names:
        raise PackageRefused(f"The manifest launches “{path}”, but the zip has no such file.")


def package_read(upload, limits: Limits | None = None) -> tuple[PackageInfo, zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """Check the uploaded file and read its manifest. Returns the package's description, the open
    archive and its file members (names made safe) for the caller to store and close."""
    limits = limits or Limits.from_settings()
    size = getattr(upload, "size", None)
    if size is not None and size > limits.upload_bytes:
        raise PackageRefused(f"The file is {size / MB:.1f} MB; a package may be at most {limits.upload_bytes // MB} MB.")
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError):
        raise PackageRefused("The file is not a zip. Upload the package exactly as the authoring tool "
                             "exported it (a .zip file).") from None
    try:
        members = _members(archive, limits)
        names = {m.filename for m in members}
        if "imsmanifest.xml" in names:
            info = _scorm(archive, names)
        elif "cmi5.xml" in names:
            info = _cmi5(archive, names)
        else:
            nested = sorted(n for n in names if n.endswith(("/imsmanifest.xml", "/cmi5.xml")))
            hint = f" (there is one at “{nested[0]}”: zip the folder's contents, not the folder)" if nested else ""
            raise PackageRefused("The zip has no imsmanifest.xml (SCORM) or cmi5.xml (cmi5) at its top level"
                                 f"{hint}.")
    except Exception:
        archive.close()
        raise
    info.files = sorted(names)
    info.total_bytes = sum(m.file_size for m in members)
    return info, archive, members
