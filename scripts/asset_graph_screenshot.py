"""Start the Dagster UI on this project, open the asset lineage in headless Chromium, save PNGs.

Usage: .venv/bin/python scripts/asset_graph_screenshot.py [--out docs/images]
Needs Debian's chromium (`apt-get install chromium`); Playwright drives it, downloading nothing.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# Closed network: without these, Chromium keeps trying (and failing) to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_webserver(port: int, dagster_home: Path) -> subprocess.Popen:
    environment = {**os.environ, "DAGSTER_HOME": str(dagster_home)}
    command = [str(Path(sys.executable).parent / "dagster-webserver"), "-w", "workspace.yaml"]
    command += ["-h", "127.0.0.1", "-p", str(port)]
    process = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2)
            return process
        except OSError:
            time.sleep(1)
    process.kill()
    raise RuntimeError("the Dagster webserver did not start within 2 minutes")


def dismiss_popups(page: Page) -> None:
    """The first visit shows a newsletter dialog; it would hide the graph."""
    skip = page.get_by_role("button", name="Skip")
    if skip.count():
        skip.first.click()


def capture(base_url: str, out_dir: Path) -> list[Path]:
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1800, "height": 1100})
        page.goto(f"{base_url}/asset-groups", wait_until="networkidle")
        page.wait_for_timeout(3000)
        dismiss_popups(page)
        page.wait_for_timeout(1000)
        shots.append(out_dir / "asset_graph_groups.png")
        page.screenshot(path=shots[-1])
        # Every asset upstream of the publication: vendor streams → dbt layers → exports.
        page.set_viewport_size({"width": 1800, "height": 2900})
        lineage = "/assets/looker_studio/published_exports?view=lineage&lineageScope=upstream"
        page.goto(f"{base_url}{lineage}&lineageDepth=20", wait_until="networkidle")
        page.wait_for_timeout(4000)
        dismiss_popups(page)
        shots.append(out_dir / "asset_graph_assets.png")
        page.screenshot(path=shots[-1])
        browser.close()
    return shots


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(Path(sys.executable).parent / "kpi-pipeline"), "prepare"], check=True)
    port = free_port()
    with tempfile.TemporaryDirectory() as dagster_home:
        server = start_webserver(port, Path(dagster_home))
        try:
            for shot in capture(f"http://127.0.0.1:{port}", args.out):
                print(f"saved {shot}")
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
