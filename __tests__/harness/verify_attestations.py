"""Verifies PEP 740 attestations with pypi-attestations and sigstore (the libraries PyPI verifies with),
against a given Sigstore trusted root instead of the public-good one.

    python verify_attestations.py TRUSTED_ROOT.json OWNER/REPO WORKFLOW DIST ATTESTATIONS.json [DIST ATT ...]

ATTESTATIONS.json holds the `attestations` form field as uploaded (a JSON array). Prints one line per
attestation, `OK <file> <predicate type>` or `FAIL <file>: <reason>`, after a line `PUBLISH_V1 <type>`
with pypi-attestations' own publish/v1 predicate type; exits 1 when any fails.

`Attestation.verify` builds `Verifier.production()` itself: the module's `Verifier` is replaced by one
whose production verifier is `Verifier(trusted_root=<the given root>)`, everything else unchanged.
"""

import sys
import traceback
from pathlib import Path

import pypi_attestations._impl as impl
from pypi_attestations import Attestation, AttestationError, AttestationType, Distribution, GitHubPublisher
from pydantic import TypeAdapter
from sigstore.models import TrustedRoot
from sigstore.verify import Verifier


def main() -> int:
    root_path, repository, workflow, *pairs = sys.argv[1:]
    root = TrustedRoot.from_file(root_path)

    class TestRootVerifier:
        @staticmethod
        def production(offline: bool = False) -> Verifier:
            return Verifier(trusted_root=root)

        staging = production

    impl.Verifier = TestRootVerifier  # type: ignore[assignment, misc]
    publisher = GitHubPublisher(repository=repository, workflow=workflow)
    print(f"PUBLISH_V1 {AttestationType.PYPI_PUBLISH_V1.value}")
    failed = False
    for dist_path, att_path in zip(pairs[::2], pairs[1::2]):
        dist = Distribution.from_file(Path(dist_path))
        with open(att_path, "rb") as f:
            attestations = TypeAdapter(list[Attestation]).validate_json(f.read())
        if not attestations:
            print(f"FAIL {dist.name}: no attestation")
            failed = True
        for att in attestations:
            try:
                predicate_type, _ = att.verify(publisher, dist)
                print(f"OK {dist.name} {predicate_type}")
            except Exception as e:  # noqa: BLE001 - every failure is reported by name
                if not isinstance(e, AttestationError):
                    traceback.print_exc(file=sys.stdout)  # not a verification verdict: a fault, shown in full
                cause = f" ({e.__cause__!r})" if e.__cause__ else ""
                print(f"FAIL {dist.name}: {type(e).__name__}: {e}{cause}")
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
