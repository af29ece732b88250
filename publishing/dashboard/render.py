"""The dashboard as one HTML file that opens from disk: data, plotly.js and its script inline."""

import html
import json
from importlib import resources
from pathlib import Path
from typing import Any

from publishing.dashboard.data import Publication, encode_columns
from publishing.dashboard.pages import PAGES


def plotly_script() -> str:
    """plotly.js as shipped inside the plotly Python package: no CDN, no network."""
    return (resources.files("plotly") / "package_data" / "plotly.min.js").read_text("utf-8")


def _own_file(name: str) -> str:
    return (resources.files("publishing.dashboard") / name).read_text("utf-8")


def _script_safe(text: str) -> str:
    """Text that cannot close the <script> element it is embedded in."""
    return text.replace("</", "<\\/")


def data_as_of(publication: Publication) -> str:
    """The last day any daily export covers: what a "data as of" scorecard shows."""
    days = [row["date"] for rows in publication.rows.values() for row in rows if row.get("date")]
    return max(days, default="")


def _options(publication: Publication) -> tuple[dict[str, str], dict[str, str]]:
    """Channel and agent choices for the filters, with their display names."""
    channels: dict[str, str] = {}
    agents: dict[str, str] = {}
    for rows in publication.rows.values():
        for row in rows:
            if row.get("channel"):
                channels.setdefault(row["channel"], row.get("channel_label") or row["channel"])
            if row.get("agent_id"):
                agents.setdefault(row["agent_id"], row.get("agent_name") or row["agent_id"])
    return channels, agents


def _select(element_id: str, label: str, choices: dict[str, str]) -> str:
    ordered = sorted(choices.items(), key=lambda item: item[1].lower())
    options = "".join(
        f'<option value="{html.escape(value)}">{html.escape(text)}</option>'
        for value, text in ordered
    )
    return (
        f'<label>{label}<select id="{element_id}"><option value="">All</option>'
        f"{options}</select></label>"
    )


def _page(page: dict[str, Any], publication: Publication) -> str:
    tables = {card["table"] for card in page["cards"]} | {c["table"] for c in page["charts"]}
    empty = all(not publication.rows[table] for table in tables)
    note = (
        '<p class="empty">No rows published for this page yet: it fills in once a source of '
        "its kind is enabled.</p>"
        if empty
        else ""
    )
    cards = "".join(
        f'<div class="card" id="card-{card["id"]}" data-value="">'
        f'<div class="label">{html.escape(card["label"])}</div><div class="value">—</div></div>'
        for card in page["cards"]
    )
    charts = "".join(
        f'<div class="chart{" wide" if chart.get("wide") else ""}">'
        f"<h3>{html.escape(chart['title'])}</h3>"
        f'<div id="chart-{chart["id"]}"></div></div>'
        for chart in page["charts"]
    )
    return (
        f'<section class="page" id="page-{page["id"]}" hidden><h2>{html.escape(page["title"])}'
        f'</h2>{note}<div class="cards">{cards}</div><div class="charts">{charts}</div></section>'
    )


def render_dashboard(publication: Publication) -> str:
    """The whole page for one publication.

    Args:
        publication: the published exports, as read by ``read_publication``.

    Returns:
        Self-contained HTML: it loads nothing from the network.
    """
    manifest = publication.manifest
    data = {
        "tables": {name: encode_columns(name, rows) for name, rows in publication.rows.items()},
        "pages": PAGES,
    }
    channels, agents = _options(publication)
    as_of = data_as_of(publication)
    tabs = "".join(
        f'<button data-page="{page["id"]}">{html.escape(page["title"])}</button>' for page in PAGES
    )
    subtitle = (
        f'Data as of <strong id="data-as-of">{as_of or "—"}</strong> · published '
        f"{html.escape(str(manifest.get('generated_at', '')))} · version "
        f"{html.escape(str(manifest.get('version', '')))}"
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Sales KPIs by channel and agent</title>"
        f"<style>{_own_file('style.css')}</style></head><body>"
        f"<header><h1>Sales KPIs by channel and agent</h1><p>{subtitle}</p></header>"
        f"<nav>{tabs}</nav>"
        '<div class="filters">'
        f'<label>From<input type="date" id="filter-from" max="{as_of}"></label>'
        f'<label>To<input type="date" id="filter-to" max="{as_of}"></label>'
        f"{_select('filter-channel', 'Channel', channels)}"
        f"{_select('filter-agent', 'Agent', agents)}</div>"
        + "".join(_page(page, publication) for page in PAGES)
        + '<script type="application/json" id="dashboard-data">'
        + _script_safe(json.dumps(data, separators=(",", ":"), ensure_ascii=False))
        + "</script>"
        + f"<script>{_script_safe(plotly_script())}</script>"
        + f"<script>{_script_safe(_own_file('app.js'))}</script></body></html>"
    )


def write_dashboard(exports_folder: Path, output: Path) -> Path:
    """Write the dashboard of the publication in ``exports_folder`` to ``output`` atomically.

    Args:
        exports_folder: a publication folder (``EXPORT_DIR/current``).
        output: the HTML file to write.

    Returns:
        The path written.

    Raises:
        PublicationNotFoundError: when the folder holds no complete publication.
    """
    from publishing.dashboard.data import read_publication

    page = render_dashboard(read_publication(exports_folder))
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(output)
    return output
