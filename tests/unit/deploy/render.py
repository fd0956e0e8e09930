"""Renders a kustomization the way `kustomize build` does, for the few features deploy/k8s uses.

Supported: resources (files and directories), namespace, images, configMapGenerator and secretGenerator
(behavior create or merge, literals) and generatorOptions labels. A kustomization using anything else is
refused, so a patch can never slip past the tests unrendered. Generated names keep no hash suffix: kustomize
rewrites every reference to a generated object, so the names as written are the ones to check.
"""

import base64
from pathlib import Path
from typing import Any

import yaml

SUPPORTED_KEYS = {"apiVersion", "kind", "resources", "namespace", "images", "configMapGenerator",
                  "secretGenerator", "generatorOptions"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass"}

Manifest = dict[str, Any]


class UnsupportedKustomization(ValueError):
    pass


def load_kustomization(folder: Path) -> dict[str, Any]:
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    unsupported = set(kustomization) - SUPPORTED_KEYS
    if unsupported:
        raise UnsupportedKustomization(f"{folder}: {', '.join(sorted(unsupported))} is not rendered by the tests")
    return kustomization


def render(folder: Path) -> list[Manifest]:
    kustomization = load_kustomization(folder)
    manifests: list[Manifest] = []
    for entry in kustomization.get("resources", []):
        path = folder / entry
        if path.is_dir():
            manifests += render(path)
        else:
            manifests += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    labels = kustomization.get("generatorOptions", {}).get("labels", {})
    for generator in kustomization.get("configMapGenerator", []):
        _generate(manifests, "ConfigMap", generator, labels)
    for generator in kustomization.get("secretGenerator", []):
        _generate(manifests, "Secret", generator, labels)
    if "namespace" in kustomization:
        for manifest in manifests:
            if manifest["kind"] not in CLUSTER_SCOPED:
                manifest["metadata"]["namespace"] = kustomization["namespace"]
    for image in kustomization.get("images", []):
        _set_image(manifests, image)
    return manifests


def _generate(manifests: list[Manifest], kind: str, generator: dict[str, Any], labels: dict[str, str]) -> None:
    data = dict(literal.split("=", 1) for literal in generator.get("literals", []))
    if kind == "Secret":
        data = {key: base64.b64encode(value.encode()).decode() for key, value in data.items()}
    behavior = generator.get("behavior", "create")
    existing = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == generator["name"]]
    if behavior == "merge":
        if len(existing) != 1:
            raise UnsupportedKustomization(f"merge into {kind} {generator['name']}, which the bases do not generate")
        existing[0]["data"].update(data)
        existing[0]["metadata"].setdefault("labels", {}).update(labels)
        return
    if behavior != "create" or existing:
        raise UnsupportedKustomization(f"{kind} {generator['name']}: behavior {behavior} is not rendered")
    manifest: Manifest = {"apiVersion": "v1", "kind": kind,
                          "metadata": {"name": generator["name"], "labels": dict(labels)}, "data": data}
    if kind == "Secret":
        manifest["type"] = "Opaque"
    manifests.append(manifest)


def _set_image(manifests: list[Manifest], image: dict[str, str]) -> None:
    for container in containers(manifests):
        name, tag = split_image(container["image"])
        if name == image["name"]:
            new_tag = image.get("newTag", tag)
            container["image"] = image.get("newName", name) + (f":{new_tag}" if new_tag else "")


def split_image(reference: str) -> tuple[str, str | None]:
    """(name, tag) of an image reference; a digest is dropped."""
    reference = reference.split("@")[0]
    last = reference.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = reference.rsplit(":", 1)
        return name, tag
    return reference, None


def pod_spec(manifest: Manifest) -> dict[str, Any] | None:
    if manifest["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
        return manifest["spec"]["template"]["spec"]
    return None


def containers(manifests: list[Manifest]) -> list[dict[str, Any]]:
    found = []
    for manifest in manifests:
        spec = pod_spec(manifest)
        if spec is not None:
            found += spec.get("initContainers", []) + spec["containers"]
    return found


def of_kind(manifests: list[Manifest], kind: str) -> dict[str, Manifest]:
    return {m["metadata"]["name"]: m for m in manifests if m["kind"] == kind}


def matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())
