"""Redress common library: settings, databases, messaging, event contracts and HTTP helpers."""
