"""The planner's tools: coverage of the city plan by the district plans, browsing the records."""
