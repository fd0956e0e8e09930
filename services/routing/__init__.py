"""Routing: classifies complaints, assigns them to teams and agents by skills, capacity and schedule,
and carries the case work through resolution."""
