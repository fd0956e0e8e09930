"""Escalation: SLA clocks on business calendars, warnings, breaches, multi-level escalation and
signed webhooks for partners."""
