"""The synthetic business as vendor-neutral facts, and its changes between runs."""
