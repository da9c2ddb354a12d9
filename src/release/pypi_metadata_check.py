"""PyPI's metadata rules, run before the first upload in the release's pinned environment.

Reads a JSON list on stdin, one object per distribution file:
  {"file": name, "metadata": METADATA or PKG-INFO text, "entry_points": text or null}
and writes a JSON object to stdout: file name -> list of problems, each naming its rule.

The rules are those PyPI applies on upload (pypi/warehouse warehouse/forklift/metadata.py, legacy.py and
utils/wheel.py), with the libraries PyPI uses for them: packaging's validating metadata parser, the
trove-classifiers list, email-validator and rfc3986. The metadata is read as twine reads a file before
sending it (pypa/twine twine/package.py): License-File is dropped below Metadata-Version 2.4, and a field
packaging does not recognise is an error. Checks done on the TypeScript side (file names, Metadata-Version
against PyPI's list, local versions, RECORD, License-File presence) are not repeated here.
"""

import configparser
import email.utils
import json
import re
import sys

import email_validator
import trove_classifiers
from packaging.metadata import Metadata, parse_email
from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion, Version
from rfc3986 import exceptions as uri_errors
from rfc3986 import uri_reference, validators

SUMMARY_LIMIT = 512
LABEL_LIMIT = 32
# Fields PEP 643 (and PEP 794 for the import names) lets a distribution mark as Dynamic, lower case.
DYNAMIC_ALLOWED = {
    name.lower()
    for name in (
        "Platform Supported-Platform Summary Description Description-Content-Type Keywords Home-Page "
        "Download-Url Author Author-Email Maintainer Maintainer-Email License License-Expression "
        "License-File Classifier Requires-Dist Requires-Python Requires-External Project-Url "
        "Provides-Extra Provides-Dist Obsoletes-Dist Requires Provides Obsoletes Import-Name "
        "Import-Namespace"
    ).split()
}
ENTRY_POINT_NAME = re.compile(r"[\w.-]+")


def url_ok(url):
    """An http(s) URL with a scheme, valid parts, a host not required (PyPI's is_valid_uri)."""
    check = (
        validators.Validator()
        .allow_schemes("http", "https")
        .require_presence_of("scheme")
        .check_validity_of("scheme", "host", "port", "path", "query")
    )
    try:
        check.validate(uri_reference(url).normalize())
    except uri_errors.ValidationError:
        return False
    return True


def packaging_problems(raw):
    """packaging's own validation of every field against its Metadata-Version."""
    try:
        Metadata.from_raw(raw, validate=True)
    except Exception as group:  # an ExceptionGroup of InvalidMetadata
        inner = getattr(group, "exceptions", [group])
        return sorted(
            f"{getattr(e, 'field', 'metadata')}: {e} (packaging.metadata)"
            for e in inner
            if getattr(e, "field", "") != "metadata-version"
        )
    return []


def pypi_problems(raw):
    """The rules PyPI adds on top of packaging's."""
    out = []
    summary = raw.get("summary")
    if isinstance(summary, str) and len(summary) > SUMMARY_LIMIT:
        out.append(f"summary: longer than {SUMMARY_LIMIT} characters (PyPI's limit)")
    for key, field in (("author_email", "author-email"), ("maintainer_email", "maintainer-email")):
        value = raw.get(key)
        if not value:
            continue
        address = email.utils.parseaddr(value)[1]
        if address:
            try:
                email_validator.validate_email(address, check_deliverability=False)
            except email_validator.EmailNotValidError as err:
                out.append(f"{field}: {address!r} is not a valid e-mail address: {err} (email-validator)")
    known = set(trove_classifiers.all_classifiers)
    for c in sorted(set(raw.get("classifiers") or [])):
        if c not in known:
            out.append(f"classifier: {c!r} is not a trove classifier (trove-classifiers)")
        elif c in trove_classifiers.deprecated_classifiers:
            instead = trove_classifiers.deprecated_classifiers[c]
            use = f", use {' or '.join(instead)}" if instead else ""
            out.append(f"classifier: {c!r} is deprecated{use} (trove-classifiers)")
    for key, field in (("home_page", "home-page"), ("download_url", "download-url")):
        value = raw.get(key)
        if value is not None and not url_ok(value):
            out.append(f"{field}: {value!r} is not a valid http(s) URL (rfc3986)")
    for label, url in (raw.get("project_urls") or {}).items():
        if not label:
            out.append("project-url: an entry has no label")
        elif len(label) > LABEL_LIMIT:
            out.append(f"project-url: the label {label!r} is longer than {LABEL_LIMIT} characters")
        elif not url:
            out.append(f"project-url: {label!r} has no URL")
        elif not url_ok(url):
            out.append(f"project-url: {label!r} has {url!r}, not a valid http(s) URL (rfc3986)")
    for key, field in (
        ("requires_dist", "requires-dist"),
        ("provides_dist", "provides-dist"),
        ("obsoletes_dist", "obsoletes-dist"),
    ):
        for text in raw.get(key) or []:
            try:
                req = Requirement(text)
            except InvalidRequirement as err:
                if key != "requires_dist":  # packaging reports requires-dist itself
                    out.append(f"{field}: {text!r} is not a valid requirement: {err}")
                continue
            if req.url is not None:
                out.append(f"{field}: {text!r} is a direct URL dependency, which PyPI refuses")
    for name in raw.get("dynamic") or []:
        if name.lower() not in DYNAMIC_ALLOWED:
            out.append(f"dynamic: {name!r} may not be dynamic (PEP 643)")
    if raw.get("license") and raw.get("license_expression"):
        out.append("license: License next to License-Expression, which PyPI refuses: keep only License-Expression")
    return out


def entry_point_problems(text):
    """entry_points.txt: an INI file with `=` as the only delimiter; script names without path parts."""
    if text is None:
        return []
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None)
    parser.optionxform = str  # names are case-sensitive
    try:
        parser.read_string(text)
    except configparser.Error as err:
        first = str(err).splitlines()[0]
        return [f"entry_points.txt: not a valid INI file: {first}"]
    out = []
    for section in ("console_scripts", "gui_scripts"):
        if parser.has_section(section):
            out.extend(
                f"entry_points.txt: [{section}] name {name!r} is not letters, digits, _ . -"
                for name in parser[section]
                if not ENTRY_POINT_NAME.fullmatch(name)
            )
    return out


def check(item):
    raw, unparsed = parse_email(item["metadata"])
    try:
        below_24 = Version(raw.get("metadata_version", "0")) < Version("2.4")
    except InvalidVersion:
        below_24 = False
    if below_24:  # as twine: not sent, so not validated
        raw.pop("license_files", None)
        unparsed.pop("license-file", None)
    out = [
        f"{key}: unrecognised or malformed field (packaging.metadata, as twine check)" for key in sorted(unparsed)
    ]
    found = packaging_problems(raw)
    out += found
    out += [
        p
        for p in pypi_problems(raw)
        # packaging already refused these dynamic fields
        if not (p.startswith("dynamic:") and any(f.startswith("dynamic:") for f in found))
    ]
    out += entry_point_problems(item.get("entry_points"))
    return out


def main():
    items = json.load(sys.stdin)
    json.dump({item["file"]: check(item) for item in items}, sys.stdout)


if __name__ == "__main__":
    main()
