"""The escalation ladder: levels with the role that owns a complaint there and the triggers that raise it."""
