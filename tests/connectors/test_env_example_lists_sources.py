"""`.env.example` names every source's credentials and base URL, so a newcomer can enable any."""

from __future__ import annotations

import re
from pathlib import Path

from connectors.registry import SOURCES

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def test_every_plugin_credential_and_base_url_is_in_env_example() -> None:
    # given the variables .env.example assigns
    assigned = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.MULTILINE))
    # when every registered source's credentials and base URL variable are listed
    wanted = {v.name for s in SOURCES for v in s.credentials}
    wanted |= {s.base_url_variable for s in SOURCES if s.base_url_variable}
    # then none is missing
    assert wanted and not wanted - assigned, (
        f"missing from .env.example: {sorted(wanted - assigned)}"
    )
