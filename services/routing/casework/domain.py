"""Rules of case work: resolution and root-cause codes, response templates, who may approve, holds. Pure."""

import string
from collections.abc import Iterable, Mapping
from datetime import datetime
from http import HTTPStatus
from typing import Protocol

from services.routing import domain as lifecycle
from shared.contracts.complaint import Status
from shared.errors import Conflict, DomainError, InvalidInput

RESOLUTION_CODES = {
    "refund": "Money refunded", "replacement": "Item replaced", "repair": "Repaired",
    "compensation": "Compensation or goodwill gesture", "apology": "Apology and explanation",
    "explanation": "Explained; no fault found on our side", "policy_change": "Policy or process changed",
    "service_restored": "Service restored", "referred": "Referred to a third party", "other": "Other",
}
ROOT_CAUSES = {
    "product_defect": "Product defect", "process_failure": "Process failure", "staff_behaviour": "Staff behaviour",
    "logistics_partner": "Logistics partner", "system_error": "System error", "pricing_error": "Pricing error",
    "communication": "Unclear communication", "customer_misunderstanding": "Customer misunderstanding",
    "third_party": "Third party", "unknown": "Not determined",
}
SUPERVISORS = frozenset({"team_lead", "manager", "director"})

# Variables: {tracking_number}, {category}, {agent_name}; a caller may add its own.
TEMPLATES: dict[str, dict[str, str]] = {
    "acknowledge_investigating": {
        "en": "Thank you for your patience regarding complaint {tracking_number} ({category}). I am looking into "
              "it now and will come back to you shortly. — {agent_name}",
        "zh": "感谢您的耐心等待。关于您的投诉 {tracking_number}（{category}），我正在处理，"
              "很快会回复您。—— {agent_name}",
    },
    "resolution_offered": {
        "en": "We have reviewed complaint {tracking_number} ({category}) and would like to offer the following: "
              "{offer}. Please let us know whether this resolves the matter. — {agent_name}",
        "zh": "我们已核查您的投诉 {tracking_number}（{category}），现提出以下处理方案：{offer}。"
              "请告知我们是否满意。—— {agent_name}",
    },
    "apology": {
        "en": "We are sorry for the trouble described in complaint {tracking_number}. We have taken steps so that "
              "it does not happen again. — {agent_name}",
        "zh": "对于投诉 {tracking_number} 给您带来的不便，我们深表歉意，并已采取措施避免再次发生。—— {agent_name}",
    },
}


class Forbidden(DomainError):
    status = HTTPStatus.FORBIDDEN
    title = "Not allowed"


def check_code(code: str | None, known: Mapping[str, str], what: str) -> None:
    if code is not None and code not in known:
        raise InvalidInput(f"unknown {what} {code!r}; use one of {', '.join(known)}", field=what)


def template_language(language: str | None) -> str:
    return "zh" if (language or "").lower().startswith("zh") else "en"


def render(template: str, *, language: str | None, variables: Mapping[str, str]) -> str:
    """The template in the case's language (English unless Chinese) with its variables filled in."""
    texts = TEMPLATES.get(template)
    if texts is None:
        raise InvalidInput(f"unknown template {template!r}; use one of {', '.join(TEMPLATES)}", field="template")
    text = texts[template_language(language)]
    needed = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    missing = sorted(needed - set(variables))
    if missing:
        raise InvalidInput(f"template {template!r} needs the variables {', '.join(missing)}", field="variables")
    return text.format_map(dict(variables))


def needs_approval(*, priority: str | None, actor_role: str | None, enabled: bool) -> bool:
    """Responses to critical cases wait for a supervisor, unless a supervisor writes them."""
    return enabled and priority == "critical" and actor_role not in SUPERVISORS


def check_supervisor(actor: str, role: str | None) -> None:
    if role not in SUPERVISORS:
        raise Forbidden(f"{actor} is not a team lead, manager or director; only they may approve responses to "
                        "critical cases")


# Case history kinds of a hold: the case is on hold while the latest of them is HOLD.
HOLD, HOLD_RELEASED = "hold", "hold_released"


class Step(Protocol):
    kind: str


def current_hold(history: Iterable[Step]) -> Step | None:
    """The step that put the case on hold, if it is still on hold."""
    last = None
    for step in history:
        if step.kind in (HOLD, HOLD_RELEASED):
            last = step
    return last if last is not None and last.kind == HOLD else None


def check_hold(status: Status | str, *, on_hold: bool, until: datetime | None, now: datetime) -> None:
    """Only a case someone works on can wait on a third party, and only once at a time."""
    if Status(status) not in lifecycle.HELD:
        raise Conflict(f"the case is {status}; only assigned cases being worked on can be put on hold")
    if on_hold:
        raise Conflict("the case is on hold already; release it first")
    if until is not None and until <= now:
        raise InvalidInput("`until` must lie in the future", field="until")


def check_release(*, on_hold: bool) -> None:
    if not on_hold:
        raise Conflict("the case is not on hold")
