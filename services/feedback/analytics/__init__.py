"""Analytics of the feedback service: KPI facts kept from every event, KPIs, hotspots, root-cause terms,
improvement actions, CX reports and the dashboard."""
