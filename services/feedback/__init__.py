"""Feedback: satisfaction surveys, follow-up visits, reopening, KPIs, trends, root causes, reports and the dashboard."""
