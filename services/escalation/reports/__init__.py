"""SLA attainment reports: clocks met and missed per policy, team, category, target and period."""
