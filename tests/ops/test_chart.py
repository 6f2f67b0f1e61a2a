"""The Helm chart, rendered by a real Helm 4 and validated against Kubernetes 1.33's schemas: what an operator
installs — the migration hook with the owner DSN, probes that match what the processes serve, non-root pods, and
no secret value anywhere in a manifest.

Needs ``.tools/helm`` (``make tools``; ``HELM_BINARY`` points elsewhere). Without it these tests skip on a
developer machine, and fail in CI or under ``MLC_REQUIRE_SERVICES=1``, where ``.ci/run`` fetches it first.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "helm" / "ml-connector"
CI_VALUES = {"default": CHART / "ci" / "default-values.yaml", "production": CHART / "ci" / "production-values.yaml"}
KUBERNETES_VERSION = "1.33.0"
SECRET_VARIABLES = {
    "DATABASE_URL",
    "DATABASE_OWNER_URL",
    "DATABASE_PASSWORD",
    "DATABASE_OWNER_PASSWORD",
    "REDIS_URL",
    "REDIS_PASSWORD",
    "MLC_VAULT_KEKS",
    "MLC_METRICS_TOKEN",
}
COMPOSED = re.compile(r"\$\((DATABASE_PASSWORD|DATABASE_OWNER_PASSWORD|REDIS_PASSWORD)\)")
PLANTED = "planted-S3cret-" + "7f3a9c1e5b"


@pytest.fixture(scope="module")
def helm() -> Path:
    binary = Path(os.environ.get("HELM_BINARY", ROOT / ".tools" / "helm"))
    if not binary.is_file():
        message = f"no helm binary at {binary}; run `make tools`"
        if os.environ.get("CI") or os.environ.get("MLC_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{message} (CI and MLC_REQUIRE_SERVICES=1 require the chart tests)", pytrace=False)
        pytest.skip(message)
    return binary


def _helm(helm: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(helm), *args], capture_output=True, text=True, timeout=60, check=False)


def _template(helm: Path, *values: Path, sets: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    args = ["template", "sync", str(CHART), "--namespace", "mlc"]
    for path in values:
        args += ["-f", str(path)]
    for item in sets:
        args += ["--set", item]
    return _helm(helm, *args)


def _documents(text: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


@pytest.fixture(scope="module")
def rendered(helm: Path) -> dict[str, str]:
    out = {}
    for name, path in CI_VALUES.items():
        result = _template(helm, path)
        assert result.returncode == 0, result.stderr
        out[name] = result.stdout
    return out


def _by_kind(text: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in _documents(text)}


def _pod_specs(text: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for doc in _documents(text):
        if doc["kind"] in {"Deployment", "Job"}:
            yield doc["metadata"]["name"], doc["spec"]["template"]["spec"]


def _env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in container.get("env", [])}


# -- lint and schema validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("values", sorted(CI_VALUES))
def test_chart_lints_strictly(helm: Path, values: str) -> None:
    result = _helm(helm, "lint", "--strict", str(CHART), "-f", str(CI_VALUES[values]))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 chart(s) failed" in result.stdout


@pytest.mark.parametrize("values", sorted(CI_VALUES))
def test_every_manifest_validates_against_kubernetes(rendered: dict[str, str], values: str, tmp_path: Path) -> None:
    manifests = tmp_path / f"{values}.yaml"
    manifests.write_text(rendered[values])
    result = _validate(manifests)
    assert result.returncode == 0, result.stdout + result.stderr
    kinds = {doc["kind"] for doc in _documents(rendered[values])}
    expected = {"ConfigMap", "Deployment", "Job", "Service", "Ingress", "PodDisruptionBudget", "ServiceAccount"}
    assert expected <= kinds
    assert result.stdout.count("passed for resource") == len(_documents(rendered[values]))


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    tool = Path(sys.executable).with_name("kubernetes-validate")
    return subprocess.run(
        [str(tool), "-k", KUBERNETES_VERSION, "--strict", str(path)], capture_output=True, text=True, timeout=120
    )


def test_the_validator_rejects_what_kubernetes_would(rendered: dict[str, str], tmp_path: Path) -> None:
    """Guards the pipeline above: a manifest the API server would refuse does fail validation."""
    broken = tmp_path / "broken.yaml"
    broken.write_text(rendered["default"].replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystm: true", 1))
    result = _validate(broken)
    assert result.returncode != 0
    assert "readOnlyRootFilesystm" in result.stdout + result.stderr


@pytest.mark.parametrize("values", sorted(CI_VALUES))
def test_rendered_yaml_is_clean(rendered: dict[str, str], values: str, tmp_path: Path) -> None:
    manifests = tmp_path / "out.yaml"
    manifests.write_text(rendered[values])
    result = _yamllint(manifests, CHART / "values.yaml", CHART / "Chart.yaml", *CI_VALUES.values())
    assert result.returncode == 0, result.stdout


def _yamllint(*paths: Path) -> subprocess.CompletedProcess[str]:
    config = ROOT / "helm" / ".yamllint.yaml"
    tool = Path(sys.executable).with_name("yamllint")
    return subprocess.run(
        [str(tool), "-f", "parsable", "-c", str(config), *map(str, paths)], capture_output=True, text=True, timeout=60
    )


# -- the migration hook ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("values", sorted(CI_VALUES))
def test_migrations_run_as_a_pre_install_and_pre_upgrade_hook_with_the_owner_dsn(
    rendered: dict[str, str], values: str
) -> None:
    objects = _by_kind(rendered[values])
    job = objects[("Job", "sync-ml-connector-migrate")]
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert annotations["helm.sh/hook-delete-policy"] == "before-hook-creation,hook-succeeded"
    assert int(annotations["helm.sh/hook-weight"]) == 0
    pod = job["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["args"] == ["db", "upgrade"]
    env = _env(container)
    assert "DATABASE_OWNER_URL" in env and "DATABASE_URL" not in env
    owner_secret = "mlc-db-owner"
    refs = {item["valueFrom"]["secretKeyRef"]["name"] for item in env.values() if "valueFrom" in item}
    assert refs == {owner_secret}
    # a pre-install hook runs before the release's own objects exist: it may not depend on them
    assert "envFrom" not in container and "serviceAccountName" not in pod
    assert job["spec"]["backoffLimit"] <= 2 and job["spec"]["activeDeadlineSeconds"] > 0
    # and only the hook sees the owner role
    for name, spec in _pod_specs(rendered[values]):
        if name.endswith("-migrate"):
            continue
        for runtime in spec["containers"]:
            runtime_env = _env(runtime)
            assert "DATABASE_OWNER_URL" not in runtime_env and "DATABASE_URL" in runtime_env
            assert owner_secret not in yaml.safe_dump(runtime_env)


def test_a_composed_dsn_uses_the_owner_role_and_the_password_only_by_reference(rendered: dict[str, str]) -> None:
    job = _by_kind(rendered["production"])[("Job", "sync-ml-connector-migrate")]
    env = _env(job["spec"]["template"]["spec"]["containers"][0])
    assert env["DATABASE_OWNER_URL"]["value"] == (
        "postgresql+asyncpg://mlc_owner:$(DATABASE_OWNER_PASSWORD)@pg.internal.example.com:5432/mlc?ssl=verify-full"
    )
    password = env["DATABASE_OWNER_PASSWORD"]["valueFrom"]["secretKeyRef"]
    assert password == {"name": "mlc-db-owner", "key": "owner-password"}
    names = list(env)
    assert names.index("DATABASE_OWNER_PASSWORD") < names.index("DATABASE_OWNER_URL")  # $(…) expands only backwards


def test_runtime_and_owner_roles_must_differ(helm: Path) -> None:
    result = _template(helm, CI_VALUES["default"], sets=("database.owner.user=mlc_app",))
    assert result.returncode != 0
    assert "the runtime role must not own the tables" in result.stderr


# -- probes ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("values", sorted(CI_VALUES))
def test_probes_hit_what_each_process_serves(rendered: dict[str, str], values: str) -> None:
    objects = _by_kind(rendered[values])
    config = objects[("ConfigMap", "sync-ml-connector")]["data"]
    web = objects[("Deployment", "sync-ml-connector-web")]["spec"]["template"]["spec"]["containers"][0]
    assert web["args"] == ["serve"]
    assert {p["name"]: p["containerPort"] for p in web["ports"]} == {"http": int(config["MLC_PORT"])}
    assert web["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert web["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert web["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert web["startupProbe"]["failureThreshold"] * web["startupProbe"]["periodSeconds"] >= 30

    worker = objects[("Deployment", "sync-ml-connector-worker")]["spec"]["template"]["spec"]["containers"][0]
    assert worker["args"] == ["worker"]
    assert {p["name"]: p["containerPort"] for p in worker["ports"]} == {
        "probes": int(config["MLC_WORKER_METRICS_PORT"])
    }
    assert config["MLC_WORKER_METRICS_HOST"] == "0.0.0.0"  # the kubelet probes from outside the container
    assert worker["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "probes"}
    assert worker["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "probes"}
    # a stalled heartbeat turns /healthz to 503 after 60 s; the probe must not restart a merely slow worker sooner
    live = worker["livenessProbe"]
    assert live["periodSeconds"] * live["failureThreshold"] >= 60


def test_probe_timings_and_grace_periods_fit_the_processes(rendered: dict[str, str]) -> None:
    objects = _by_kind(rendered["default"])
    web = objects[("Deployment", "sync-ml-connector-web")]["spec"]["template"]["spec"]
    worker = objects[("Deployment", "sync-ml-connector-worker")]["spec"]["template"]["spec"]
    assert web["terminationGracePeriodSeconds"] > 25  # Granian's workers_kill_timeout in `mlc serve`
    assert worker["terminationGracePeriodSeconds"] > 30  # JobRuntime.stop lets running jobs finish for 30 s
    assert web["containers"][0]["readinessProbe"]["timeoutSeconds"] > 2  # /readyz gives each check 2 s


# -- security ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("values", sorted(CI_VALUES))
def test_every_pod_runs_non_root_read_only_and_unprivileged(rendered: dict[str, str], values: str) -> None:
    specs = dict(_pod_specs(rendered[values]))
    assert len(specs) == 3
    config = _by_kind(rendered[values])[("ConfigMap", "sync-ml-connector")]["data"]
    for name, spec in specs.items():
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True and pod["runAsUser"] != 0, name
        assert pod["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert spec["automountServiceAccountToken"] is False, name
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        for container in spec["containers"]:
            security = container["securityContext"]
            assert security["runAsNonRoot"] is True, name
            assert security["readOnlyRootFilesystem"] is True, name
            assert security["allowPrivilegeEscalation"] is False, name
            assert security["capabilities"]["drop"] == ["ALL"], name
            assert security["seccompProfile"] == {"type": "RuntimeDefault"}, name
            mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
            assert "emptyDir" in volumes[mounts["/tmp"]], name
            data_dir = _env(container).get("MLC_DATA_DIR", {}).get("value") or config["MLC_DATA_DIR"]
            assert "emptyDir" in volumes[mounts[data_dir]], name


def test_the_image_user_matches_the_pods(rendered: dict[str, str]) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    user = re.findall(r"^USER (\d+):(\d+)$", dockerfile, re.MULTILINE)[-1]
    spec = dict(_pod_specs(rendered["default"]))["sync-ml-connector-web"]
    assert (str(spec["securityContext"]["runAsUser"]), str(spec["securityContext"]["runAsGroup"])) == user


# -- secrets -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("values", sorted(CI_VALUES))
def test_secrets_reach_pods_only_by_reference(rendered: dict[str, str], values: str) -> None:
    documents = _documents(rendered[values])
    assert "Secret" not in {doc["kind"] for doc in documents}
    config = _by_kind(rendered[values])[("ConfigMap", "sync-ml-connector")]["data"]
    assert not SECRET_VARIABLES & set(config)
    for name, spec in _pod_specs(rendered[values]):
        for container in spec["containers"]:
            for variable, item in _env(container).items():
                if variable not in SECRET_VARIABLES:
                    continue
                if "valueFrom" in item:
                    assert set(item["valueFrom"]) == {"secretKeyRef"}, (name, variable)
                elif variable.endswith("_URL"):
                    # composed around a password the kubelet reads from a Secret, or a Redis without auth
                    assert COMPOSED.search(item["value"]) or "@" not in item["value"], (name, variable)
                else:
                    raise AssertionError(f"{name}: {variable} has a literal value")


PLANTINGS = {
    "a secret variable in the ConfigMap": {"config": {"extraEnv": {"MLC_VAULT_KEKS": f"k1:{PLANTED}"}}},
    "a DSN in the ConfigMap": {"config": {"extraEnv": {"DATABASE_URL": f"postgresql://u:{PLANTED}@db/mlc"}}},
    "a database password": {"database": {"password": PLANTED}},
    "a runtime role password": {"database": {"runtime": {"password": PLANTED}}},
    "a Redis password": {"redis": {"password": PLANTED}},
    "KEKs inline": {"vault": {"keks": f"k1:{PLANTED}"}},
    "a metrics token inline": {"metrics": {"token": PLANTED}},
}


@pytest.mark.parametrize("planting", sorted(PLANTINGS))
def test_a_secret_planted_in_the_values_is_refused_and_never_echoed(helm: Path, planting: str, tmp_path: Path) -> None:
    planted = tmp_path / "planted-values.yaml"
    planted.write_text(yaml.safe_dump(PLANTINGS[planting]))
    result = _template(helm, CI_VALUES["production"], planted)
    assert result.returncode != 0, f"{planting} was accepted"
    assert PLANTED not in result.stdout + result.stderr
    field = next(iter(PLANTINGS[planting]))
    assert field in result.stderr  # the error names where the value went


def test_required_values_are_named(helm: Path) -> None:
    bare = _template(helm)
    assert bare.returncode != 0 and "config.publicBaseUrl is required" in bare.stderr
    no_runtime_secret = _template(helm, sets=("config.publicBaseUrl=https://sync.example.com", "database.host=db"))
    assert no_runtime_secret.returncode != 0
    assert "database.runtime.existingSecret is required" in no_runtime_secret.stderr
    no_vault = _template(helm, CI_VALUES["default"], sets=("vault.existingSecret=",))
    assert no_vault.returncode != 0 and "vault.existingSecret is required" in no_vault.stderr
    no_owner = _template(helm, CI_VALUES["default"], sets=("database.owner.existingSecret=",))
    assert no_owner.returncode != 0 and "database.owner.existingSecret is required" in no_owner.stderr
    without_hook = _template(
        helm, CI_VALUES["default"], sets=("database.owner.existingSecret=", "migrations.enabled=false")
    )
    assert without_hook.returncode == 0 and "kind: Job" not in without_hook.stdout
    plain_http = _template(helm, CI_VALUES["default"], sets=("config.publicBaseUrl=http://sync.example.com",))
    assert plain_http.returncode != 0 and "publicBaseUrl" in plain_http.stderr


# -- what the settings and the chart agree on ----------------------------------------------------------------------


def _documented_settings() -> set[str]:
    return set(re.findall(r"^- `([A-Z_][A-Z0-9_]*)`", (ROOT / "docs" / "settings.md").read_text(), re.MULTILINE))


@pytest.mark.parametrize("values", sorted(CI_VALUES))
def test_every_variable_the_chart_sets_is_a_setting_the_app_reads(rendered: dict[str, str], values: str) -> None:
    known = _documented_settings() | {"DATABASE_PASSWORD", "DATABASE_OWNER_PASSWORD", "REDIS_PASSWORD"}
    config = _by_kind(rendered[values])[("ConfigMap", "sync-ml-connector")]["data"]
    assert set(config) <= known, set(config) - known
    for name, spec in _pod_specs(rendered[values]):
        for container in spec["containers"]:
            assert set(_env(container)) <= known, (name, set(_env(container)) - known)


def test_ingress_serves_the_public_host_over_tls(rendered: dict[str, str]) -> None:
    for values in CI_VALUES:
        ingress = _by_kind(rendered[values])[("Ingress", "sync-ml-connector")]["spec"]
        assert ingress["rules"][0]["host"] == "sync.example.com"
        assert ingress["tls"][0]["hosts"] == ["sync.example.com"]
        assert ingress["rules"][0]["http"]["paths"][0]["backend"]["service"] == {
            "name": "sync-ml-connector",
            "port": {"name": "http"},
        }
    assert _by_kind(rendered["default"])[("Ingress", "sync-ml-connector")]["spec"]["tls"][0]["secretName"] == (
        "sync-ml-connector-tls"
    )


def test_autoscaling_and_disruption_budgets(rendered: dict[str, str]) -> None:
    default, production = _by_kind(rendered["default"]), _by_kind(rendered["production"])
    assert not [key for key in default if key[0] == "HorizontalPodAutoscaler"]
    assert default[("Deployment", "sync-ml-connector-web")]["spec"]["replicas"] == 2
    for component in ("web", "worker"):
        hpa = production[("HorizontalPodAutoscaler", f"sync-ml-connector-{component}")]
        assert hpa["apiVersion"] == "autoscaling/v2"
        assert hpa["spec"]["scaleTargetRef"]["name"] == f"sync-ml-connector-{component}"
        assert "replicas" not in production[("Deployment", f"sync-ml-connector-{component}")]["spec"]
        pdb = production[("PodDisruptionBudget", f"sync-ml-connector-{component}")]["spec"]
        deployment = production[("Deployment", f"sync-ml-connector-{component}")]["spec"]
        assert pdb["selector"]["matchLabels"] == deployment["selector"]["matchLabels"]
    web_selector = production[("Service", "sync-ml-connector")]["spec"]["selector"]
    assert web_selector == production[("Deployment", "sync-ml-connector-web")]["spec"]["selector"]["matchLabels"]


def test_a_config_change_rolls_the_pods(helm: Path, rendered: dict[str, str]) -> None:
    changed = _template(helm, CI_VALUES["default"], sets=("config.logLevel=debug",))
    before = _by_kind(rendered["default"])[("Deployment", "sync-ml-connector-worker")]
    after = _by_kind(changed.stdout)[("Deployment", "sync-ml-connector-worker")]
    key = "checksum/config"
    assert (
        before["spec"]["template"]["metadata"]["annotations"][key]
        != (after["spec"]["template"]["metadata"]["annotations"][key])
    )


# -- documentation -----------------------------------------------------------------------------------------------


def test_the_readme_lists_every_value() -> None:
    sys.path.insert(0, str(ROOT / "helm" / "tools"))
    try:
        import values_table
    finally:
        sys.path.pop(0)
    assert values_table.undocumented() == [], "values.yaml entries without a ## @param comment"
    readme = (CHART / "README.md").read_text()
    assert values_table.readme_with_table(readme, values_table.render_table()) == readme, (
        "the chart README's values table is stale: python helm/tools/values_table.py --write"
    )
    assert "exactly once" in readme  # the scheduler note operators need before scaling workers
