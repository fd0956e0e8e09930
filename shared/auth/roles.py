"""The roles a key or a token can carry. Admin may do everything; the others what their work needs."""

from enum import StrEnum


class Role(StrEnum):
    FRONTEND = "frontend"      # a channel's frontend: submits complaints, tracks them, files the customer's replies
    CUSTOMER = "customer"      # the complainant, through the tracking verification (no key)
    AGENT = "agent"            # frontline staff: their own cases and those of their queues
    SUPERVISOR = "supervisor"  # team cases, approvals, assignment, the audit trail
    ANALYST = "analyst"        # KPIs and reports, never contact data
    PARTNER = "partner"        # integration partners: webhooks, event replay
    ADMIN = "admin"            # configuration; passes every check

    @classmethod
    def parse(cls, names: "list[str] | tuple[str, ...]") -> frozenset["Role"]:
        """Roles from their names; ValueError naming the unknown ones and the known."""
        unknown = [name for name in names if name not in cls._value2member_map_]
        if unknown:
            raise ValueError(f"unknown role {', '.join(unknown)}; choose from {', '.join(cls)}")
        return frozenset(cls(name) for name in names)


STAFF = (Role.AGENT, Role.SUPERVISOR)
