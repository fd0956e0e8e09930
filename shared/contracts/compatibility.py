"""Whether a contract's JSON schema may replace a published one under the same version.

Within a version, changes must be additive: old consumers read new events and new consumers read old ones
(replays, the outbox). So a new version may add optional fields and change documentation, and nothing else:
no removed or renamed field, no changed type or constraint, no new required field, no field that stops or
starts being required, no enum value added or removed (consumers built on the contracts reject values
they do not know), no renamed model or enum. Anything else is a new major version, published side by side.
"""

from dataclasses import dataclass, field
from typing import Any

Schema = dict[str, Any]

# Keywords that document a schema without changing which documents it accepts.
ANNOTATIONS = frozenset({"title", "description", "examples", "default", "deprecated", "readOnly", "writeOnly",
                         "$comment"})
STRUCTURE = frozenset({"properties", "required", "items", "additionalProperties", "anyOf", "oneOf", "enum",
                       "$ref", "$defs", "allOf", "prefixItems"})


@dataclass
class _Comparison:
    old_defs: Schema
    new_defs: Schema
    problems: list[str] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)

    def report(self, path: str, problem: str) -> None:
        self.problems.append(f"{path or '(event)'}: {problem}")


def breaking_changes(published: Schema, candidate: Schema) -> list[str]:
    """What in `candidate` would break consumers of `published`; empty when the change is additive."""
    comparison = _Comparison(published.get("$defs", {}), candidate.get("$defs", {}))
    if published.get("title") != candidate.get("title"):
        comparison.report("", f"renamed from {published.get('title')} to {candidate.get('title')}")
    _compare(comparison, published, candidate, "")
    return comparison.problems


def _resolve(node: Schema, defs: Schema) -> tuple[Schema, str | None]:
    """Follows `$ref` (also the `allOf: [{$ref}]` form) to its definition; returns it and its name."""
    if len(node.get("allOf", ())) == 1 and set(node) - ANNOTATIONS == {"allOf"}:
        node = node["allOf"][0]
    ref = node.get("$ref")
    if ref is None:
        return node, None
    name = ref.rsplit("/", 1)[-1]
    return defs.get(name, {}), name


def _alternatives(node: Schema) -> list[Schema]:
    return list(node.get("anyOf") or node.get("oneOf") or [node])


def _describe(node: Schema, defs: Schema) -> str:
    resolved, name = _resolve(node, defs)
    if name:
        return name
    if len(_alternatives(resolved)) > 1:
        return " | ".join(_describe(alt, defs) for alt in _alternatives(resolved))
    kind = str(resolved.get("type", "any"))
    if kind == "array" and isinstance(resolved.get("items"), dict):
        return f"array of {_describe(resolved['items'], defs)}"
    if kind == "object" and isinstance(resolved.get("additionalProperties"), dict):
        return f"map of {_describe(resolved['additionalProperties'], defs)}"
    return f"{kind} ({resolved['format']})" if "format" in resolved else kind


def _compare(cmp: _Comparison, old: Schema, new: Schema, path: str) -> None:
    old_node, old_name = _resolve(old, cmp.old_defs)
    new_node, new_name = _resolve(new, cmp.new_defs)
    if old_name and new_name:
        if old_name != new_name:
            cmp.report(path, f"type {old_name} renamed to {new_name}")
        if (old_name, new_name) in cmp.seen:
            return
        cmp.seen.add((old_name, new_name))
    old_alts, new_alts = _alternatives(old_node), _alternatives(new_node)
    if len(old_alts) > 1 or len(new_alts) > 1:
        _compare_union(cmp, old_alts, new_alts, path)
    else:
        _compare_single(cmp, old_node, new_node, path)


def _compare_union(cmp: _Comparison, old_alts: list[Schema], new_alts: list[Schema], path: str) -> None:
    old_kinds = {_describe(alt, cmp.old_defs): alt for alt in old_alts}
    new_kinds = {_describe(alt, cmp.new_defs): alt for alt in new_alts}
    if set(old_kinds) != set(new_kinds):
        old_text, new_text = " | ".join(old_kinds), " | ".join(new_kinds)
        cmp.report(path, f"type changed from {old_text} to {new_text}")
        return
    for kind, alt in old_kinds.items():
        _compare(cmp, alt, new_kinds[kind], path)


def _compare_single(cmp: _Comparison, old: Schema, new: Schema, path: str) -> None:
    if old.get("type") != new.get("type") or old.get("format") != new.get("format"):
        cmp.report(path, f"type changed from {_describe(old, cmp.old_defs)} to {_describe(new, cmp.new_defs)}")
        return
    for keyword in sorted((old.keys() | new.keys()) - ANNOTATIONS - STRUCTURE - {"type", "format"}):
        if old.get(keyword) != new.get(keyword):
            cmp.report(path, f"{keyword} changed from {old.get(keyword)!r} to {new.get(keyword)!r}")
    if "enum" in old or "enum" in new:
        _compare_enum(cmp, old.get("enum", []), new.get("enum", []), path)
    for keyword, suffix in (("items", "[]"), ("additionalProperties", "{}")):
        old_sub, new_sub = old.get(keyword), new.get(keyword)
        if isinstance(old_sub, dict) and isinstance(new_sub, dict):
            _compare(cmp, old_sub, new_sub, path + suffix)
        elif old_sub != new_sub:
            cmp.report(path, f"{keyword} changed from {old_sub!r} to {new_sub!r}")
    if "properties" in old or "properties" in new:
        _compare_object(cmp, old, new, path)


def _compare_enum(cmp: _Comparison, old: list[Any], new: list[Any], path: str) -> None:
    removed = [value for value in old if value not in new]
    added = [value for value in new if value not in old]
    if removed:
        cmp.report(path, f"enum values removed: {removed}")
    if added:
        cmp.report(path, f"enum values added: {added} (consumers reject values they do not know)")


def _compare_object(cmp: _Comparison, old: Schema, new: Schema, path: str) -> None:
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
    prefix = f"{path}." if path else ""
    for name, old_prop in old_props.items():
        if name not in new_props:
            cmp.report(prefix + name, "field removed")
            continue
        _compare(cmp, old_prop, new_props[name], prefix + name)
        if name in old_required and name not in new_required:
            cmp.report(prefix + name, "no longer required")
        elif name in new_required and name not in old_required:
            cmp.report(prefix + name, "became required")
    for name in new_props.keys() - old_props.keys():
        if name in new_required:
            cmp.report(prefix + name, "new required field (events already published lack it)")
