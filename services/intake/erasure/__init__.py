"""Erasure of customers' personal data: on the customer's request (right to erasure) and, for complaints closed
longer ago than the retention period, by a periodic job. Ids, tracking numbers, dates and the non-personal
fields KPIs count stay; contact data and free texts go, and complaint.erased tells the other services to erase
theirs."""
