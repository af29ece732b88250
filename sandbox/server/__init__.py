"""The sandbox's HTTP side: server, routing, faults, rate windows, control API."""
