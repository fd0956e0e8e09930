"""deploy/k8s: valid against the Kubernetes schemas, and every name one object gives another exists."""

import base64
import copy
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from shared.metrics import Metrics
from tests.unit.deploy.render import (
    Manifest,
    UnsupportedKustomization,
    containers,
    load_kustomization,
    matches,
    of_kind,
    pod_spec,
    render,
    split_image,
)
from tests.unit.deploy.variables import SETTINGS, default_port, known_variables

kubernetes_validate = pytest.importorskip(
    "kubernetes_validate", reason="kubernetes-validate (a dev dependency) validates the manifests")

ROOT = Path(__file__).parents[3]
K8S = ROOT / "deploy" / "k8s"
BASE, EXAMPLE = K8S / "base", K8S / "overlays" / "example"
KUBERNETES_VERSION = "1.30"
SERVICES = list(SETTINGS)


@pytest.fixture(scope="module")
def example() -> list[Manifest]:
    return render(EXAMPLE)


def _kustomizations() -> list[Path]:
    return sorted(path.parent for path in K8S.rglob("kustomization.yaml"))


@pytest.mark.parametrize("folder", _kustomizations(), ids=lambda p: str(p.relative_to(K8S)))
def test_every_manifest_is_valid_against_the_kubernetes_schemas(folder: Path):
    manifests = render(folder)
    assert manifests
    for manifest in manifests:
        name = f"{manifest['kind']} {manifest['metadata']['name']}"
        try:
            kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{folder.relative_to(K8S)}: {name}: {exc.message} at {list(exc.path)}")


def test_the_schema_validation_rejects_a_misspelt_field(example: list[Manifest]):
    deployment = copy.deepcopy(of_kind(example, "Deployment")["redress-intake"])
    container = pod_spec(deployment)["containers"][0]
    container["livenesProbe"] = container.pop("livenessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_the_kustomizations_use_only_what_the_tests_render(tmp_path: Path):
    assert {p.relative_to(K8S).as_posix() for p in _kustomizations()} == {"base", "overlays/example"}
    for folder in _kustomizations():
        load_kustomization(folder)
    (tmp_path / "kustomization.yaml").write_text("resources: []\npatches: []\n")
    with pytest.raises(UnsupportedKustomization, match="patches"):
        load_kustomization(tmp_path)


def test_every_service_has_a_deployment_service_autoscaler_and_disruption_budget(example: list[Manifest]):
    for kind in ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
        assert set(of_kind(example, kind)) == {f"redress-{s}" for s in SERVICES}, kind
    assert set(of_kind(example, "Job")) == {"redress-migrate"}


def test_every_configmap_and_secret_a_pod_reads_exists(example: list[Manifest]):
    configmaps, secrets = of_kind(example, "ConfigMap"), of_kind(example, "Secret")
    for manifest in example:
        spec = pod_spec(manifest)
        if spec is None:
            continue
        for container in spec["containers"]:
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    assert source["configMapRef"]["name"] in configmaps, manifest["metadata"]["name"]
                if "secretRef" in source:
                    assert source["secretRef"]["name"] in secrets, manifest["metadata"]["name"]


def test_services_select_the_pods_of_their_deployment_and_target_a_named_port(example: list[Manifest]):
    deployments = of_kind(example, "Deployment")
    for name, service in of_kind(example, "Service").items():
        selected = [d for d in deployments.values()
                    if matches(service["spec"]["selector"], d["spec"]["template"]["metadata"]["labels"])]
        assert [d["metadata"]["name"] for d in selected] == [name]
        port_names = {p["name"] for c in pod_spec(selected[0])["containers"] for p in c["ports"]}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in port_names


def test_deployments_select_their_own_pods_and_nothing_else(example: list[Manifest]):
    deployments = of_kind(example, "Deployment")
    for name, deployment in deployments.items():
        selector = deployment["spec"]["selector"]["matchLabels"]
        owners = [n for n, d in deployments.items() if matches(selector, d["spec"]["template"]["metadata"]["labels"])]
        assert owners == [name]


def test_autoscalers_and_disruption_budgets_point_at_existing_deployments(example: list[Manifest]):
    deployments = of_kind(example, "Deployment")
    for hpa in of_kind(example, "HorizontalPodAutoscaler").values():
        target = hpa["spec"]["scaleTargetRef"]
        assert (target["apiVersion"], target["kind"]) == ("apps/v1", "Deployment")
        assert target["name"] in deployments
    for name, pdb in of_kind(example, "PodDisruptionBudget").items():
        selected = [n for n, d in deployments.items()
                    if matches(pdb["spec"]["selector"]["matchLabels"], d["spec"]["template"]["metadata"]["labels"])]
        assert selected == [name]


def test_autoscalers_scale_on_cpu_and_on_the_consumer_lag_the_services_export(example: list[Manifest]):
    exported = {metric.name for metric in Metrics("probe").registry.collect()}
    partitions = int(of_kind(example, "ConfigMap")["redress-config"]["data"]["REDRESS_TOPIC_PARTITIONS"])
    for name, hpa in of_kind(example, "HorizontalPodAutoscaler").items():
        metrics = {m["type"]: m for m in hpa["spec"]["metrics"]}
        assert metrics["Resource"]["resource"]["name"] == "cpu"
        assert metrics["Pods"]["pods"]["metric"]["name"] in exported
        # Replicas beyond the partitions of a topic get none to consume.
        assert 1 < hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"] <= partitions, name


@pytest.mark.parametrize("service", SERVICES)
def test_each_deployment_serves_its_service_on_its_port_with_health_probes(example: list[Manifest], service: str):
    deployment = of_kind(example, "Deployment")[f"redress-{service}"]
    assert "replicas" not in deployment["spec"], "the autoscaler owns the replicas"
    [container] = pod_spec(deployment)["containers"]
    assert container["args"] == ["serve", service]
    [port] = container["ports"]
    assert (port["name"], port["containerPort"]) == ("http", default_port(service))
    assert container["livenessProbe"]["httpGet"] == {"path": "/health/live", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": "http"}
    assert container["startupProbe"]["httpGet"]["path"] == "/health/live"
    assert {source["secretRef"]["name"] for source in container["envFrom"] if "secretRef" in source} == {
        f"redress-{service}"}


def _runs_unprivileged(spec: dict[str, Any], container: dict[str, Any]) -> None:
    user = re.search(r"^USER (\d+)", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert user, "the Dockerfile names a numeric user"
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["runAsUser"] == int(user.group(1)) != 0
    context = container["securityContext"]
    assert context["allowPrivilegeEscalation"] is False and context["readOnlyRootFilesystem"] is True
    assert context["capabilities"]["drop"] == ["ALL"]
    assert "/tmp" in {mount["mountPath"] for mount in container["volumeMounts"]}
    assert {"cpu", "memory"} <= container["resources"]["requests"].keys()
    assert {"cpu", "memory"} <= container["resources"]["limits"].keys()


def test_every_pod_runs_unprivileged_within_limits(example: list[Manifest]):
    for manifest in example:
        spec = pod_spec(manifest)
        if spec is not None:
            for container in spec["containers"]:
                _runs_unprivileged(spec, container)


def test_the_migration_job_migrates_every_service_with_every_database(example: list[Manifest]):
    job = of_kind(example, "Job")["redress-migrate"]
    [container] = pod_spec(job)["containers"]
    assert container["args"] == ["migrate", *SERVICES]
    assert {s["secretRef"]["name"] for s in container["envFrom"] if "secretRef" in s} == {
        f"redress-{s}" for s in SERVICES}
    assert pod_spec(job)["restartPolicy"] in ("Never", "OnFailure")


def _decoded(secret: Manifest) -> dict[str, str]:
    return {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}


def test_each_service_secret_holds_the_url_of_its_own_database_marked_as_placeholder(example: list[Manifest]):
    secrets = of_kind(example, "Secret")
    for service in SERVICES:
        values = _decoded(secrets[f"redress-{service}"])
        url = urlsplit(values[f"REDRESS_{service.upper()}_DATABASE_URL"])
        assert url.scheme == "postgresql" and url.path == f"/{service}"
        for value in values.values():
            assert "REPLACE-ME" in value, "example secrets must be marked as placeholders"


def test_deployment_files_set_only_variables_the_services_read(example: list[Manifest]):
    known = known_variables()
    for manifest in [*of_kind(example, "ConfigMap").values(), *of_kind(example, "Secret").values()]:
        unknown = set(manifest["data"]) - known
        assert not unknown, f"{manifest['metadata']['name']}: {unknown}"


def test_the_overlay_sets_the_image_and_namespace_of_everything(example: list[Manifest]):
    [image] = load_kustomization(EXAMPLE)["images"]
    assert {split_image(c["image"])[0] for c in containers(render(BASE))} == {image["name"]}
    assert {c["image"] for c in containers(example)} == {f"{image['newName']}:{image['newTag']}"}
    namespaces = {m["metadata"].get("namespace") for m in example if m["kind"] != "Namespace"}
    assert namespaces == {m["metadata"]["name"] for m in example if m["kind"] == "Namespace"}


def test_the_migration_step_selector_applies_the_job_and_its_inputs_but_no_service(example: list[Manifest]):
    """docs/operations.md applies `-l 'app.kubernetes.io/component notin (<services>)'` before the rollout."""
    first = [m for m in example if m["metadata"].get("labels", {}).get("app.kubernetes.io/component") not in SERVICES]
    assert {m["kind"] for m in first} == {"Namespace", "ConfigMap", "Secret", "Job"}
    assert "notin (intake,routing,escalation,feedback)" in (ROOT / "docs" / "operations.md").read_text()
