"""Signed webhooks for partners who do not read Kafka: subscriptions with event-type filters, one delivery per
matching event recorded with the change that consumed it, sent by a background job with Standard Webhooks
signatures, retried with backoff, logged per attempt; failing subscriptions are disabled with a notice."""
