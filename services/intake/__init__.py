"""Intake: receives complaints from every channel, acknowledges them with a tracking number, keeps the
customer-facing status and delivers replies. The only holder of customers' contact data."""
