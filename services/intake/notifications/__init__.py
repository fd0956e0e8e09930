"""Notifications to customers: an outbox of messages (acknowledgement, replies, information requests, survey
invitations, status) written with the change that causes them and delivered by a background job over e-mail
(SMTP) and signed webhooks, with retries."""
