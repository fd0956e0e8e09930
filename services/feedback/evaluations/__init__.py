"""Evaluations of a handled complaint: survey answers, follow-up calls, interviews, mystery-customer visits and
quality-assurance reviews, all scored on the same scorecard."""
