"""Screenshot every page of the KPI dashboard into docs/images/: the picture of the intended report.

Needs Debian's chromium (`apt-get install chromium`) and a publication: run `make demo` first,
then `.venv/bin/python scripts/dashboard_screenshots.py`.
"""

import argparse
import sys
from pathlib import Path

from asset_graph_screenshot import CHROMIUM, CHROMIUM_ARGS
from playwright.sync_api import sync_playwright

from orchestration.dashboard import default_dashboard_path, default_exports_folder
from publishing.dashboard import write_dashboard
from publishing.dashboard.pages import PAGES

REPO = Path(__file__).resolve().parent.parent


def capture(dashboard: Path, out_dir: Path) -> list[Path]:
    """One full-page PNG per dashboard page, named dashboard_<page>.png."""
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(dashboard.resolve().as_uri())
        page.wait_for_function("window.dashboardReady === true", timeout=60_000)
        for item in PAGES:
            page.click(f"nav button[data-page='{item['id']}']")
            page.wait_for_timeout(500)  # plotly draws asynchronously after the click
            shot = out_dir / f"dashboard_{item['id']}.png"
            page.screenshot(path=str(shot), full_page=True)
            shots.append(shot)
        browser.close()
    return shots


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exports", type=Path, default=None, help="publication folder")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images")
    args = parser.parse_args()
    dashboard = write_dashboard(args.exports or default_exports_folder(), default_dashboard_path())
    args.out.mkdir(parents=True, exist_ok=True)
    for shot in capture(dashboard, args.out):
        print(shot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
