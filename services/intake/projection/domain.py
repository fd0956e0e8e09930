"""The customer's view, free of I/O: internal statuses in the customer's words (English and Chinese), which
event wins when events arrive out of order, and which language the customer reads."""

from datetime import datetime

from shared.contracts.complaint import Status
from shared.contracts.sla import SlaTarget

LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"

# What the customer is told for each internal status.
RECEIVED, BEING_HANDLED, AWAITING_YOU, REPLIED = "received", "being_handled", "awaiting_your_reply", "replied"
RESOLVED, CLOSED, WITHDRAWN, MERGED = "resolved", "closed", "withdrawn", "merged"
CUSTOMER_STATUS = {
    Status.RECEIVED: RECEIVED,
    Status.CLASSIFIED: BEING_HANDLED,
    Status.ASSIGNED: BEING_HANDLED,
    Status.IN_PROGRESS: BEING_HANDLED,
    Status.REOPENED: BEING_HANDLED,
    Status.AWAITING_CUSTOMER: AWAITING_YOU,
    Status.RESPONDED: REPLIED,
    Status.RESOLVED: RESOLVED,
    Status.CLOSED: CLOSED,
    Status.WITHDRAWN: WITHDRAWN,
}

STATUS_LABELS = {
    "en": {RECEIVED: "Received", BEING_HANDLED: "Being handled", AWAITING_YOU: "Waiting for your information",
           REPLIED: "We have replied", RESOLVED: "Resolved", CLOSED: "Closed", WITHDRAWN: "Withdrawn",
           MERGED: "Handled together with another complaint"},
    "zh": {RECEIVED: "已受理", BEING_HANDLED: "处理中", AWAITING_YOU: "待您补充信息", REPLIED: "已答复",
           RESOLVED: "已解决", CLOSED: "已办结", WITHDRAWN: "已撤回", MERGED: "已与另一投诉合并处理"},
}

STEP_TITLES = {
    "en": {"received": "We received your complaint", "assigned": "A specialist team is handling your complaint",
           "transferred": "Your complaint was passed to the team best placed to handle it",
           "reply": "We replied", "information_request": "We need more information from you",
           "customer_reply": "You replied", "resolved": "Your complaint was resolved",
           "escalated": "Your complaint was escalated to a senior team",
           "escalation_request": "You asked for your complaint to be escalated",
           "merged": "Your complaint is handled together with another complaint", "reopened": "Your complaint "
           "was reopened", "closed": "Your complaint was closed", "withdrawn": "You withdrew your complaint",
           "survey": "Tell us how we did"},
    "zh": {"received": "我们已收到您的投诉", "assigned": "专业团队正在处理您的投诉",
           "transferred": "您的投诉已转交最合适的团队处理", "reply": "我们已答复",
           "information_request": "我们需要您补充信息", "customer_reply": "您已回复", "resolved": "您的投诉已解决",
           "escalated": "您的投诉已升级至高级团队处理", "escalation_request": "您已申请升级处理",
           "merged": "您的投诉已与另一投诉合并处理", "reopened": "您的投诉已重新处理", "closed": "您的投诉已办结",
           "withdrawn": "您已撤回投诉", "survey": "请评价我们的服务"},
}

# Statuses the customer sees as a step of their own; the others come with an event that makes the step
# (responded, information-requested, resolved) or mean nothing to the customer (classified).
STATUS_STEPS = frozenset({Status.REOPENED, Status.CLOSED, Status.WITHDRAWN})
# The customer's withdrawal is final: a late status from the case cannot undo it.
STICKY = frozenset({Status.WITHDRAWN})
REPLY_TARGETS = (SlaTarget.FIRST_RESPONSE, SlaTarget.NEXT_RESPONSE)
KNOWN_TARGETS = frozenset({*REPLY_TARGETS, SlaTarget.RESOLUTION})
RUNNING, PAUSED, FULFILLED, CANCELLED = "running", "paused", "fulfilled", "cancelled"


def customer_status(status: str, *, merged: bool = False) -> str:
    """The customer's word for an internal status; unknown ones read as being handled."""
    if merged and status not in (Status.WITHDRAWN, Status.REOPENED):
        return MERGED
    return CUSTOMER_STATUS.get(status, BEING_HANDLED)  # type: ignore[call-overload]


def status_label(status: str, *, language: str) -> str:
    return STATUS_LABELS[language][status]


def step_title(kind: str, *, language: str) -> str:
    return STEP_TITLES[language].get(kind, kind)


def is_newer(at: datetime, *, than: datetime | None) -> bool:
    """Out of order or redelivered: an event applies only when it happened after the last one applied."""
    return than is None or at > than


def status_applies(*, current: str, current_at: datetime | None, target: str, at: datetime) -> bool:
    if current in STICKY and target != current:
        return False
    return is_newer(at, than=current_at)


def shows_status_step(*, current: str, target: str) -> bool:
    return target in STATUS_STEPS and target != current


def language_of(*, requested: str | None = None, locale: str | None = None, language: str | None = None) -> str:
    """Asked for (?lang=) first, then the customer's locale, then the complaint's language; English otherwise."""
    for candidate in (requested, locale, language):
        code = (candidate or "").replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def reply_by(promises: dict[str, tuple[datetime, str]]) -> datetime | None:
    """The earliest running reply promise: "we will reply by …"."""
    due = [at for target, (at, state) in promises.items() if target in REPLY_TARGETS and state == RUNNING]
    return min(due, default=None)


def resolve_by(promises: dict[str, tuple[datetime, str]]) -> datetime | None:
    at, state = promises.get(SlaTarget.RESOLUTION, (None, None))
    return at if state == RUNNING else None
