"""A static KPI dashboard drawn from the published exports, so it shows what Looker Studio shows."""

from publishing.dashboard.data import PublicationNotFoundError, read_publication
from publishing.dashboard.render import render_dashboard, write_dashboard

__all__ = ["PublicationNotFoundError", "read_publication", "render_dashboard", "write_dashboard"]
