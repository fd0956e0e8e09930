"""The examples are what an outside developer copies: each runs as a script and needs no Redress code."""

import ast
import asyncio
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted(p for p in (Path(__file__).parents[2] / "examples").glob("*.py") if p.name != "__init__.py")
OURS = {"shared", "services", "tests", "bench"}


def test_there_are_examples():
    assert {p.name for p in EXAMPLES} >= {"partner_consumer.py", "webhook_receiver.py", "submit_complaint.py"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_an_example_imports_nothing_of_redress(path: Path):
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported, f"{path.name} imports nothing?"
    assert not imported & OURS, f"{path.name} imports {imported & OURS}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
async def test_an_example_runs_as_a_script(path: Path, tmp_path: Path):
    process = await asyncio.create_subprocess_exec(sys.executable, str(path), "--help", cwd=tmp_path,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    assert out.decode().startswith("usage: "), out.decode()
