"""Every event routing builds names the complaint's tenant: a contract's `tenant` defaults to `default`, so an event
built without it would silently file another organisation's complaint under the default one."""

import ast
from pathlib import Path

from shared.contracts import REGISTRY

ROUTING = Path(__file__).parents[3] / "services" / "routing"
EVENT_NAMES = {model.__name__ for model in REGISTRY.in_registration_order}


def built_events() -> list[tuple[str, int, ast.Call]]:
    found = []
    for source in sorted(ROUTING.rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in EVENT_NAMES:
                found.append((str(source.relative_to(ROUTING)), node.lineno, node))
    return found


def test_every_event_routing_builds_names_its_tenant():
    built = built_events()
    assert len(built) >= 10, "the events routing emits were not found"
    untenanted = [f"{path}:{line}" for path, line, call in built if "tenant" not in {k.arg for k in call.keywords}]
    assert untenanted == []
