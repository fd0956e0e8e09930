"""Quality assurance: random samples of handled cases drawn for review, stored with their rule, seed and drawer,
and the QA reviews recorded against each sampled case."""
