"""Satisfaction surveys: scheduled when a complaint is resolved, sent through intake, answered on a page or
through the JSON API, reminded once and closed when nobody answers."""
