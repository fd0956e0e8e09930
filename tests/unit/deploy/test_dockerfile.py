"""The Dockerfile: multi-stage, a pinned base, a non-root final stage, and a build context of only what it copies."""

import re
from pathlib import Path

ROOT = Path(__file__).parents[3]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
BUILD_TOOLS = ("gcc", "build-essential", "make ", "git ")


def _stages() -> list[str]:
    return re.split(r"^FROM ", DOCKERFILE, flags=re.MULTILINE)[1:]


def test_the_image_is_built_in_two_stages_from_a_pinned_python_311():
    assert len(_stages()) >= 2
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", DOCKERFILE, re.MULTILINE)
    assert base, "the base image is one ARG, used by every stage"
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+(@sha256:[0-9a-f]{64})?", base.group(1))
    assert all(stage.startswith("${PYTHON_IMAGE}") for stage in _stages())


def test_the_final_stage_runs_redress_as_a_numeric_non_root_user_without_build_tools():
    final = _stages()[-1]
    user = re.search(r"^USER (\d+):(\d+)$", final, re.MULTILINE)
    assert user and int(user.group(1)) != 0 and int(user.group(2)) != 0
    assert 'ENTRYPOINT ["redress"]' in final
    assert "COPY --from=build /opt/redress /opt/redress" in final
    assert not any(tool in final for tool in BUILD_TOOLS)
    assert "apt-get install" not in final


def test_the_build_context_holds_only_what_the_image_copies():
    lines = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and not line[0] == "#"]
    assert lines[0] == "*", "everything is left out unless named"
    included = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    copied = set()
    for sources in re.findall(r"^COPY (?!--from)(.+) \S+$", DOCKERFILE, re.MULTILINE):
        copied |= set(sources.split())
    assert copied == included
    assert {"**/__pycache__", "**/*.py[co]"} <= set(lines)
