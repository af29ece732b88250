"""The Pipedrive plug-in: its variables, its streams and what the sandbox accepts."""

from connectors.pipedrive.check import check_pipedrive
from connectors.pipedrive.config import PAGE_LIMIT_MAX, PipedriveConfig
from connectors.pipedrive.erasure import ERASURE
from connectors.pipedrive.streams import build_pipedrive_streams
from connectors.sources import SourcePlugin, SourceSettings, Variable
from connectors.streams import Stream
from connectors.transport import Transport


def build_streams(settings: SourceSettings, transport: Transport) -> dict[str, Stream]:
    """Pipedrive's streams from its settings; makes no network call."""
    config = PipedriveConfig(
        api_token=settings["PIPEDRIVE_API_TOKEN"],
        base_url=settings["PIPEDRIVE_BASE_URL"],
        overlap_minutes=settings.integer("PIPEDRIVE_OVERLAP_MINUTES"),
        page_limit=settings.integer("PIPEDRIVE_PAGE_LIMIT"),
        transport=transport,
    )
    return build_pipedrive_streams(config)


SOURCE = SourcePlugin(
    name="pipedrive",
    label="Pipedrive",
    kind="crm",
    tables=("deals", "persons", "pipelines", "stages", "users"),
    credentials=(
        Variable(
            "PIPEDRIVE_API_TOKEN",
            "Pipedrive personal API token (Settings > Personal preferences > API)",
            secret=True,
        ),
    ),
    options=(
        Variable(
            "PIPEDRIVE_BASE_URL",
            "Pipedrive API root without /api/v2 (https://<company>.pipedrive.com also works)",
            default="https://api.pipedrive.com",
        ),
        Variable(
            "PIPEDRIVE_OVERLAP_MINUTES",
            "minutes re-read before the last watermark on each incremental run",
            default="10",
        ),
        Variable(
            "PIPEDRIVE_PAGE_LIMIT",
            f"records per page of the v2 lists (1 to {PAGE_LIMIT_MAX})",
            default=str(PAGE_LIMIT_MAX),
        ),
    ),
    build_streams=build_streams,
    sandbox_credentials={"PIPEDRIVE_API_TOKEN": "sandbox-pipedrive-token"},
    # Open, won and lost deals; deleted (is_deleted, status=deleted) and archived ones are not.
    raw_totals={
        "opportunities_created": (
            "SELECT count(*) FROM raw_pipedrive.deals WHERE NOT is_archived "
            "AND _deleted_at IS NULL "
            "AND NOT coalesce(json_extract(record, '$.is_deleted')::BOOLEAN, false) "
            "AND NOT coalesce(json_extract(record, '$.is_archived')::BOOLEAN, false) "
            "AND coalesce(json_extract_string(record, '$.status'), '') <> 'deleted'"
        ),
    },
    erasure=ERASURE,
    config_type=PipedriveConfig,
    streams_from_config=build_pipedrive_streams,
    check=check_pipedrive,
)
