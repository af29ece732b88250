"""After staging, only the seams name a vendor: other intermediate models and marts are neutral.

A new CRM or telephony source then needs its staging folder and one `union all` branch per seam,
never an edit of the attribution, money or KPI logic (issue 8 item 3).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from connectors.registry import SOURCES

MODELS = Path(__file__).resolve().parents[2] / "dbt_project" / "models"
# The vendor-neutral seams: one branch per vendor, each reading that vendor's staging models.
SEAMS = {
    "int_crm_deals_unioned",
    "int_crm_deal_contacts_unioned",
    "int_crm_contacts_unioned",
    "int_crm_contact_phones_unioned",
    "int_crm_owners_unioned",
    "int_crm_pipelines_unioned",
    "int_crm_stages_unioned",
    "int_crm_targets_unioned",
    "int_telephony_calls_unioned",
    "int_telephony_numbers_unioned",
    "int_telephony_users_unioned",
    "int_messages_unioned",
}
# Every vendor with a staging folder or a registered source plug-in, and the next ones planned.
VENDORS = sorted(
    {folder.name for folder in (MODELS / "staging").iterdir() if folder.is_dir()}
    | {name for source in SOURCES for name in (source.name, source.schema_name)}
    | {"twilio", "ringover"}
)
VENDOR_PATTERN = re.compile("|".join(VENDORS) + r"|stg_\w+", re.IGNORECASE)


def _non_seam_files() -> list[Path]:
    files = [
        path
        for folder in ("intermediate", "marts")
        for path in sorted((MODELS / folder).rglob("*"))
        if path.suffix in {".sql", ".py"}
    ]
    return [path for path in files if path.stem not in SEAMS]


def test_vendor_names_are_known() -> None:
    # a vacuous pattern would let every model pass
    assert {"hubspot", "aircall", "pipedrive"} <= set(VENDORS)


def test_every_seam_exists() -> None:
    missing = {seam for seam in SEAMS if not (MODELS / "intermediate" / f"{seam}.sql").exists()}
    assert not missing, f"seams listed here but absent: {sorted(missing)}"


@pytest.mark.parametrize(
    "path", _non_seam_files(), ids=lambda path: f"{path.parent.name}/{path.name}"
)
def test_model_outside_the_seams_names_no_vendor(path: Path) -> None:
    # given an intermediate model or mart that is not a seam
    text = path.read_text(encoding="utf-8")
    # when it is searched for a vendor name or a staging ref
    hits = [
        f"line {number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if VENDOR_PATTERN.search(line)
    ]
    # then there is none: it reads seams and vendor-neutral columns only
    assert not hits, f"{path.name} names a vendor outside the seams:\n" + "\n".join(hits)
