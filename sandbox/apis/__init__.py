"""One module per simulated vendor API: its paths, error bodies and rendering."""
