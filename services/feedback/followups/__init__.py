"""Follow-up (回访) tasks: a supervisor calls back a customer whose answer called for it and records the outcome."""
