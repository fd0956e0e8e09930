"""Redress intake next to django-helpdesk: the same complaint filed in both, one worker each, one load generator.

django-helpdesk (the open-source Python help desk) is installed from the package index into a virtualenv of its
own (bench/.peer-venv, made on first use and kept), never into Redress's. A minimal Django project there uses
SQLite, helpdesk's REST API (`POST /api/tickets/`, Django REST framework, token authentication as a staff
user) and one gunicorn worker with one thread (`gthread`, so connections stay open as in Redress's server).
Mail goes to Django's dummy backend: helpdesk renders its new-ticket messages but sends nothing, as Redress
writes its acknowledgement and leaves delivery to a background job.

Both servers get the same subject, description and submitter e-mail from the load generator of bench/intake.py
(raw asyncio HTTP/1.1, keep-alive, closed loop with N connections), one after the other in the same run. Each
side authenticates as its API expects: helpdesk with a DRF token, Redress with a frontend key in X-API-Key.
"""

import contextlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import uvloop

from bench import processes
from bench.intake import (
    DESCRIPTION,
    HOST,
    ID_WIDTH,
    Bodies,
    Run,
    _ms,
    _percentile,
    intake_server,
    saturate,
)
from bench.processes import Command, running
from bench.report import Tracker, load_average, machine, markdown_table, median, now_iso, per_second, stderr, tracker
from shared.auth.roles import Role
from shared.broker import EmbeddedBroker, free_port

GOAL_RATIO = 30.0
VENV = Path(__file__).resolve().parent / ".peer-venv"
PACKAGES = ("django-helpdesk", "gunicorn")
SUBJECT = "Charged twice and the parcel arrived broken"
EMAIL = "ann.lee@example.com"
TOKEN = "0123456789abcdef0123456789abcdef01234567"  # a 40-character DRF token, known only to this bench

SETTINGS = '''\
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "django.contrib.staticfiles", "django.contrib.sites", "django.contrib.humanize",
    "rest_framework", "rest_framework.authtoken", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware", "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware", "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "peer_urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages"]},
}]
WSGI_APPLICATION = "peer_wsgi.application"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "helpdesk.sqlite3"}}
USE_TZ = True
SITE_ID = 1
STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
LOGIN_URL = "/helpdesk/login/"
HELPDESK_API_ENABLED = True
HELPDESK_TEAMS_MODE_ENABLED = False
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"]}
'''

URLS = '''\
from django.urls import include, path

urlpatterns = [path("helpdesk/", include("helpdesk.urls", namespace="helpdesk"))]
'''

WSGI = '''\
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_settings")
application = get_wsgi_application()
'''

# Run in the peer's venv after migrate: a staff user with a token, and one queue; prints the queue's id.
SETUP = f'''\
import django
django.setup()
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from helpdesk.models import Queue
user = get_user_model().objects.create_superuser("bench", "bench@example.com", "bench-password")
Token.objects.create(user=user, key="{TOKEN}")
queue = Queue.objects.create(title="Complaints", slug="complaints", allow_public_submission=True)
print(queue.id)
'''


@dataclass(frozen=True)
class Plan:
    seconds: float
    connections: int
    repeat: int
    warmup_s: float = 2.0


class TicketBodies:
    """helpdesk's ticket for the same complaint: the queue, the title, the description and the submitter's
    e-mail, each one numbered so no two are the same (as Redress gets a new customer each time)."""

    def __init__(self, queue: int, path: str = "/helpdesk/api/tickets/") -> None:
        self.template = json.dumps({"queue": queue, "title": SUBJECT, "description": DESCRIPTION,
                                    "submitter_email": EMAIL, "priority": 3})
        self.path = path
        self.count = 0

    def next(self) -> bytes:
        self.count += 1
        body = self.template.replace("{n}", f"{self.count:0{ID_WIDTH}d}").encode()
        return ticket_request(self.path, body)


def ticket_request(path: str, body: bytes) -> bytes:
    head = (f"POST {path} HTTP/1.1\r\nhost: {HOST}\r\ncontent-type: application/json\r\n"
            f"authorization: Token {TOKEN}\r\ncontent-length: {len(body)}\r\n\r\n")
    return head.encode() + body


def ratio(redress_per_s: float, peer_per_s: float) -> float:
    """Redress complaints/s ÷ helpdesk tickets/s; 0 when the peer answered nothing."""
    return redress_per_s / peer_per_s if peer_per_s else 0.0


def python_of(venv: Path) -> Path:
    return venv / "bin" / "python"


def ensure_venv(venv: Path, progress: Tracker) -> str:
    """The peer's virtualenv with django-helpdesk and gunicorn; made once, reused after. Returns the installed
    django-helpdesk version."""
    python = python_of(venv)
    if not python.exists():
        progress.note(f"making {venv} with {', '.join(PACKAGES)}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    check = subprocess.run([str(python), "-c", "import helpdesk, gunicorn"], capture_output=True)
    if check.returncode:
        subprocess.run([str(python), "-m", "pip", "install", "-q", *PACKAGES], check=True)
    shown = subprocess.run([str(python), "-m", "pip", "show", "django-helpdesk"], capture_output=True, text=True,
                           check=True).stdout
    return next((line.split(":", 1)[1].strip() for line in shown.splitlines() if line.startswith("Version:")), "?")


def make_project(venv: Path, folder: Path) -> int:
    """A fresh Django project in `folder` with a migrated SQLite database; returns the ticket queue's id."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("peer_settings.py", SETTINGS), ("peer_urls.py", URLS), ("peer_wsgi.py", WSGI)):
        (folder / name).write_text(text)
    env = _env(folder)
    python = str(python_of(venv))
    subprocess.run([python, "-m", "django", "migrate", "-v", "0"], cwd=folder, env=env, check=True)
    made = subprocess.run([python, "-c", SETUP], cwd=folder, env=env, check=True, capture_output=True, text=True)
    return int(made.stdout.strip().splitlines()[-1])


def _env(folder: Path) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "peer_settings", "PYTHONPATH": str(folder)}


def peer_server(venv: Path, folder: Path, port: int) -> contextlib.AbstractContextManager[Any]:
    """gunicorn serving the project in `folder`: one worker, one thread."""
    argv = [str(venv / "bin" / "gunicorn"), "peer_wsgi:application", "--chdir", str(folder),
            "--bind", f"{HOST}:{port}", "--workers", "1", "--worker-class", "gthread", "--threads", "1",
            "--keep-alive", "30", "--log-level", "warning"]
    env = {"DJANGO_SETTINGS_MODULE": "peer_settings", "PYTHONPATH": str(folder)}
    return running([Command(argv=argv, port=port, log=folder / "gunicorn.log", env=env)])


@dataclass
class Measured:
    version: str = "?"
    redress: list[Run] = field(default_factory=list)
    peer: list[Run] = field(default_factory=list)
    tickets_stored: int = 0


def _phase(port: int, bodies: Any, plan: Plan, progress: Tracker, label: str) -> Run:
    async def go() -> Run:
        await saturate(port, bodies, connections=plan.connections, seconds=plan.warmup_s)
        return await saturate(port, bodies, connections=plan.connections, seconds=plan.seconds)
    run = uvloop.run(go())
    progress.note(f"{label}: {run.rate:,.1f} requests/s {run.statuses}, "
                  f"p99 {_ms(_percentile(sorted(run.latencies), 0.99))} ms")
    return run


def _count_tickets(venv: Path, folder: Path) -> int:
    code = "import django; django.setup(); from helpdesk.models import Ticket; print(Ticket.objects.count())"
    done = subprocess.run([str(python_of(venv)), "-c", code], cwd=folder, env=_env(folder), check=True,
                          capture_output=True, text=True)
    return int(done.stdout.strip())


def measure(plan: Plan, *, progress: Tracker, venv: Path = VENV) -> Measured:
    measured = Measured(version=ensure_venv(venv, progress))
    key = processes.new_key(Role.FRONTEND, name="bench-peer")
    bodies = Bodies(processes.auth_headers(key))
    with TemporaryDirectory(prefix="redress-bench-peer-") as name:
        folder = Path(name)
        broker = EmbeddedBroker(port=free_port(), log_path=folder / "tansu.log")
        with broker:
            for i in range(plan.repeat):
                project = folder / f"helpdesk{i}"
                queue = make_project(venv, project)
                with peer_server(venv, project, port := free_port()):
                    measured.peer.append(_phase(port, TicketBodies(queue), plan, progress, "django-helpdesk"))
                measured.tickets_stored += _count_tickets(venv, project)
                with intake_server(folder / f"r{i}", broker.bootstrap, port := free_port(), key):
                    measured.redress.append(_phase(port, bodies, plan, progress, "Redress intake"))
    return measured


def results(plan: Plan, measured: Measured) -> dict[str, Any]:
    redress = median([r.rate for r in measured.redress])
    peer = median([r.rate for r in measured.peer])
    value = ratio(redress, peer)
    return {
        "benchmark": "Redress intake vs django-helpdesk ticket creation",
        "machine": machine(), "load_average": load_average(),
        "django_helpdesk": measured.version,
        "connections": plan.connections,
        "seconds": plan.seconds,
        "repeat": plan.repeat,
        "peer": {"requests_per_s": round(peer, 1), "runs": [r.summary() for r in measured.peer],
                 "tickets_stored": measured.tickets_stored},
        "redress": {"requests_per_s": round(redress, 1), "runs": [r.summary() for r in measured.redress]},
        "ratio": round(value, 1),
        "goal": f"Redress complaints/s >= {GOAL_RATIO:.0f} x django-helpdesk tickets/s",
        "met": value >= GOAL_RATIO,
        "measured_at": now_iso(),
    }


def markdown(data: dict[str, Any]) -> list[str]:
    rows = []
    for name, label in (("peer", f"django-helpdesk {data['django_helpdesk']} (POST /api/tickets/, SQLite, "
                                 "gunicorn 1 worker)"),
                        ("redress", "Redress intake (POST /v1/complaints, SQLite, uvicorn 1 worker)")):
        best = data[name]
        runs = best["runs"]
        rows.append([label, per_second(best["requests_per_s"]) if best["requests_per_s"] >= 10
                     else f"{best['requests_per_s']:.1f}",
                     ", ".join(f"{r['requests_per_s']}" for r in runs),
                     median([r["p50_ms"] for r in runs]), median([r["p99_ms"] for r in runs]),
                     ", ".join(json.dumps(r["statuses"]) for r in runs)])
    header = ["server", "created/s (median)", f"runs ({data['repeat']})", "p50 ms", "p99 ms", "statuses"]
    facts = (f"The same complaint (subject, 550-character description, submitter e-mail, one queue) filed with "
             f"{data['connections']} connections in a closed loop for {data['seconds']:.0f} s per run, each server "
             f"on a fresh SQLite file; measured {data['measured_at']}.")
    verdict = (f"Ratio Redress/django-helpdesk: **{data['ratio']:.1f}×** (goal ≥ {GOAL_RATIO:.0f}×: "
               f"{'met' if data['met'] else 'not met'}).")
    caveat = (f"The load generator, both servers and Redress's broker share this machine's "
              f"{data['machine']['cpus']} cores (load average {data['load_average'][1]} over the last 5 minutes, "
              "other work included); compare only figures of one run.")
    return [facts, markdown_table(header, rows), verdict, caveat]


def run(out: Path, plan: Plan) -> str:
    from bench.report import write_json, write_markdown

    with tracker() as progress:
        measured = measure(plan, progress=progress)
    data = results(plan, measured)
    json_path = write_json(out / "peer.json", data)
    md_path = write_markdown(out / "peer.md", title="Redress intake vs django-helpdesk", blocks=markdown(data))
    stderr.log(f"wrote {json_path} and {md_path}")
    return "\n".join(markdown(data)[1:3])
