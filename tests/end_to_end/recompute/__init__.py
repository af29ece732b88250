"""Independent recomputation of the eight KPI marts from the raw layer, in plain Python."""
