"""What the feedback service knows of each complaint: its language, status and resolutions, learnt from events."""
