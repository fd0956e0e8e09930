"""The customer's view of a complaint, kept from the other services' events: the status in the customer's
words, the public history and the dates promised."""
