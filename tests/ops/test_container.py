"""The container image recipe (no engine runs here, so this reads it): multi-stage, pinned by constraints.txt,
non-root, one ``mlc`` entry point, and a build context that holds everything the build copies."""

from __future__ import annotations

import fnmatch
import json
import re
import runpy
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def _final_stage() -> list[tuple[str, str]]:
    instructions = _instructions()
    last_from = max(index for index, (op, _) in enumerate(instructions) if op == "FROM")
    return instructions[last_from:]


def test_the_build_is_multi_stage_and_pinned() -> None:
    stages = [arg for op, arg in _instructions() if op == "FROM"]
    assert len(stages) >= 2
    runs = " ".join(arg for op, arg in _instructions() if op == "RUN")
    assert "-c constraints.txt" in runs
    final = _final_stage()
    copies = [arg for op, arg in final if op == "COPY"]
    assert copies and all(arg.startswith("--from=") for arg in copies), "the runtime stage copies only built output"


def test_the_runtime_runs_as_an_unprivileged_user() -> None:
    users = [arg for op, arg in _final_stage() if op == "USER"]
    assert users, "the runtime stage must switch to a non-root USER"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit() and int(uid) >= 1000, "numeric, so runAsNonRoot can verify it"
    assert gid.isdigit() and int(gid) >= 1000


def test_one_entry_point_for_web_worker_and_migrations() -> None:
    final = dict(_final_stage())
    assert json.loads(final["ENTRYPOINT"]) == ["mlc"]
    assert json.loads(final["CMD"]) == ["serve"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["mlc"] == "mlconnector.platform.cli:main"
    from mlconnector.platform.cli.app import cli

    assert {"serve", "worker", "db", "status"} <= set(cli.commands)


def _ignored(path: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(path.split("/")[0], pattern) for pattern in patterns)


def test_the_build_context_holds_every_copied_path_and_every_package() -> None:
    patterns = [
        line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip() and line[0] != "#"
    ]
    sources: list[str] = []
    for op, arg in _instructions():
        if op == "COPY" and not arg.startswith("--from="):
            sources += arg.split()[:-1]
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: no such path"
        assert not _ignored(source.rstrip("/"), patterns), f"COPY {source}: excluded by .dockerignore"
    roots = runpy.run_path(str(ROOT / "setup.py"), run_name="setup_probe")["ROOTS"]
    copied = {source.rstrip("/") for source in sources}
    for folder in roots.values():
        assert any(folder == c or folder.startswith(f"{c}/") for c in copied), f"package folder {folder} not copied"
    readme = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["readme"]
    assert readme in copied  # the build backend reads it
    for secret_prone in (".env", ".venv", ".mlc-data", ".git", ".tools"):
        assert _ignored(secret_prone, patterns), f"{secret_prone} would be sent to the image build"


def test_the_image_defaults_suit_a_container() -> None:
    env = " ".join(arg for op, arg in _final_stage() if op == "ENV")
    assert re.search(r"MLC_HOST=0\.0\.0\.0", env) and re.search(r"MLC_LOG_FORMAT=json", env)
    assert "MLC_DATA_DIR=/var/lib/mlc" in env
