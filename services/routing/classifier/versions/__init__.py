"""Classifier versions kept in the routing database: each with its artefact, training facts and held-out figures.
One is active at a time; every replica classifies with it (services/routing/classifier/versions/jobs.py)."""
