"""SLA policies and their business calendars: which complaints a policy covers, its targets, and the audit of
every change made to them."""
