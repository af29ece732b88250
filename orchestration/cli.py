"""`kpi-pipeline`: run the pipeline, serve the sandbox, prepare the dbt manifest."""

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from connectors.registry import SOURCES
from orchestration.pipeline_run import DEFAULT_SANDBOX_CRM
from orchestration.run_lock import ConcurrentRunError
from orchestration.settings import MissingConfigurationError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kpi-pipeline",
        description="CRM + telephony records to sales KPIs by channel and agent.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="ingest every stream, then build and test the marts")
    run.add_argument(
        "--sandbox",
        action="store_true",
        help="use the bundled vendor sandbox (no accounts needed) instead of the real sources",
    )
    run.add_argument("--scale", type=float, default=1.0, help="sandbox data volume multiplier")
    run.add_argument("--seed", type=int, default=None, help="sandbox random seed")
    run.add_argument(
        "--crm",
        choices=[source.name for source in SOURCES if source.kind == "crm"],
        default=DEFAULT_SANDBOX_CRM,
        help=f"with --sandbox: the CRM the sandbox plays (default {DEFAULT_SANDBOX_CRM})",
    )
    run.add_argument(
        "--deadline",
        type=float,
        default=None,
        metavar="MINUTES",
        help="stop at the next safe point after this many minutes, as on SIGTERM "
        "(default: RUN_DEADLINE_MINUTES, else none)",
    )
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild dbt's incremental models from scratch (after changing DEFAULT_PHONE_REGION "
        "or REPORTING_TIMEZONE)",
    )
    run.add_argument(
        "--verbose",
        action="store_true",
        help="also stream the full run log (Dagster events, connectors, dbt) to stderr",
    )

    commands.add_parser(
        "check",
        help="validate the configuration and reach every source and publication target once",
    )

    sandbox = commands.add_parser("sandbox", help="serve every sandbox vendor API")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8765)
    sandbox.add_argument("--scale", type=float, default=1.0)
    sandbox.add_argument("--seed", type=int, default=None)
    sandbox.add_argument(
        "--as-of", type=date.fromisoformat, default=None, help="last day of data (YYYY-MM-DD)"
    )

    commands.add_parser("prepare", help="parse the dbt project into target/manifest.json")

    report = commands.add_parser(
        "report", help="draw the KPI dashboard (one HTML file) from the published exports"
    )
    report.add_argument(
        "--exports", type=Path, default=None, help="publication folder (default EXPORT_DIR/current)"
    )
    report.add_argument(
        "--output", type=Path, default=None, help="HTML file (default EXPORT_DIR/dashboard.html)"
    )
    resync = commands.add_parser(
        "resync",
        help="forget streams' cursors so the next run re-reads them from scratch (the way out "
        "of a failed raw_count_matches_source check; rows merge on their id)",
    )
    resync.add_argument(
        "streams", nargs="+", metavar="STREAM", help="a raw stream, <vendor>/<table>"
    )

    link = commands.add_parser(
        "looker-link", help="print a Looker Studio (Data Studio) URL creating a report on GCS"
    )
    link.add_argument("--bucket", default="", help="GCS bucket (default: LOOKER_GCS_BUCKET)")
    link.add_argument("--prefix", default="", help="GCS prefix (default: LOOKER_GCS_PREFIX)")
    link.add_argument(
        "--report-id",
        default="",
        help="template report to copy (one link for every table); without it, one link per table",
    )
    link.add_argument("--name", default="Sales KPIs by channel and agent", help="report name")

    dictionary = commands.add_parser(
        "dictionary", help="write docs/data_dictionary.md from the export contract"
    )
    dictionary.add_argument("--check", action="store_true", help="fail if the page is stale")
    add_forget_parser(commands)
    webhooks = commands.add_parser("webhooks", help="receive a pushed source's webhooks")
    webhooks.add_argument("--host", default="127.0.0.1", help="put a TLS proxy in front")
    webhooks.add_argument("--port", type=int, default=8787)
    webhooks.add_argument("--workers", type=int, default=1)
    webhooks.add_argument("--source", default="", help="webhook source (default: the first)")
    return parser


def add_forget_parser(commands: argparse._SubParsersAction) -> None:
    """`forget`: GDPR erasure of one person (README, "Privacy: erasure and key rotation")."""
    forget = commands.add_parser(
        "forget", help="erase a person from landing, raw, marts and every published target"
    )
    forget.add_argument("--email", action="append", default=[], help="e-mail (repeatable)")
    forget.add_argument("--phone", action="append", default=[], help="phone number (repeatable)")
    forget.add_argument(
        "--contact-id", action="append", default=[], help="CRM contact id (repeatable)"
    )
    forget.add_argument(
        "--sandbox", action="store_true", help="a sandbox warehouse: use the demo keys"
    )
    forget.add_argument(
        "--no-publish", action="store_true", help="rebuild the marts but do not republish"
    )


def run_command(args: argparse.Namespace) -> int:
    """Run the pipeline; every non-zero exit is also posted to ALERT_WEBHOOK_URL when set."""
    from orchestration.run_command import run_from_cli

    return run_from_cli(args).code


def check_command(_: argparse.Namespace) -> int:
    """One line per configuration problem, source and target; 0 only when all pass."""
    from orchestration.exit_codes import EXIT_SUCCESS, KIND_CODES
    from orchestration.preflight import check_lines, format_lines
    from orchestration.settings import load_dotenv_file

    load_dotenv_file()
    lines = check_lines(os.environ)
    print("\n".join(format_lines(lines)))
    failed = [line for line in lines if not line.ok]
    if not failed:
        print("All checks passed: `kpi-pipeline run` may start.")
        return EXIT_SUCCESS
    print(f"{len(failed)} check(s) failed: fix what each says, then `kpi-pipeline check` again.")
    return KIND_CODES[failed[0].kind]


def sandbox_command(args: argparse.Namespace) -> int:
    from sandbox import SandboxConfig, serve_forever

    config = (
        SandboxConfig(scale=args.scale)
        if args.seed is None
        else SandboxConfig(scale=args.scale, seed=args.seed)
    )
    serve_forever(config, host=args.host, port=args.port)
    return 0


def prepare_command(_: argparse.Namespace) -> int:
    from orchestration.project import prepare_dbt_manifest

    print(f"dbt manifest ready: {prepare_dbt_manifest(force=True)}")
    return 0


def report_command(args: argparse.Namespace) -> int:
    from orchestration.dashboard import default_dashboard_path, default_exports_folder
    from orchestration.settings import load_dotenv_file
    from publishing.dashboard import PublicationNotFoundError, write_dashboard

    load_dotenv_file()
    exports = args.exports or default_exports_folder()
    try:
        path = write_dashboard(exports, args.output or default_dashboard_path())
    except PublicationNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Dashboard written to {path} (open it in a browser; it needs no network)")
    return 0


def looker_link_command(args: argparse.Namespace) -> int:
    from orchestration.looker_link import build_report_link, build_table_links, table_folders
    from orchestration.settings import load_dotenv_file, setting
    from publishing import EXPORT_COLUMNS

    load_dotenv_file()
    try:
        folders = table_folders(
            args.bucket or setting("LOOKER_GCS_BUCKET"),
            args.prefix or setting("LOOKER_GCS_PREFIX"),
            list(EXPORT_COLUMNS),
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.report_id:
        print(build_report_link(folders, args.name, args.report_id).url)
        return 0
    # Google's default report holds one data source: one report per table, and a hint.
    print(
        "note: no --report-id, so one report per table; for one report on every table, build a "
        "template (docs/looker_studio.md) and pass --report-id",
        file=sys.stderr,
    )
    for link in build_table_links(folders, args.name):
        print(f"{link.label}\t{link.url}")
    return 0


def dictionary_command(args: argparse.Namespace) -> int:
    from publishing.dictionary_doc import DICTIONARY_PATH, dictionary_is_current, write_dictionary

    if args.check:
        if dictionary_is_current():
            return 0
        print(f"error: {DICTIONARY_PATH} is stale: run `kpi-pipeline dictionary`", file=sys.stderr)
        return 1
    print(f"wrote {write_dictionary()}")
    return 0


def resync_command(args: argparse.Namespace) -> int:
    """Reset the named streams' cursors in DUCKDB_PATH; the next `kpi-pipeline run` re-reads."""
    from connectors.registry import resync
    from orchestration.settings import load_dotenv_file, setting

    load_dotenv_file()
    for stream in args.streams:
        try:
            found = resync(setting("DUCKDB_PATH"), stream)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(
            f"{stream}: {'cursor reset' if found else 'no cursor stored'}; the next run re-reads it"
        )
    return 0


def forget_command(args: argparse.Namespace) -> int:
    from connectors.erasure import ErasureKeyError
    from connectors.forget import Subject
    from orchestration.erasure import forget_everywhere
    from orchestration.settings import SANDBOX_ERASURE_KEY, SANDBOX_PII_HASH_KEY, load_dotenv_file

    load_dotenv_file()
    if args.sandbox:
        os.environ.setdefault("PII_HASH_KEY", SANDBOX_PII_HASH_KEY)
        os.environ.setdefault("ERASURE_KEY", SANDBOX_ERASURE_KEY)
    subject = Subject(tuple(args.contact_id), tuple(args.email), tuple(args.phone))
    if not subject.identifiers():
        print("error: nothing to forget: give --email, --phone or --contact-id", file=sys.stderr)
        return 2
    try:
        outcome = forget_everywhere(subject, republish=not args.no_publish)
    except (MissingConfigurationError, ErasureKeyError, ConcurrentRunError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\n".join(outcome.lines()))
    return 1 if outcome.problem else 0


def webhooks_command(args: argparse.Namespace) -> int:
    from orchestration.webhooks import serve_webhooks

    return serve_webhooks(args.host, args.port, args.workers, args.source)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {
        "run": run_command,
        "check": check_command,
        "sandbox": sandbox_command,
        "prepare": prepare_command,
        "report": report_command,
        "looker-link": looker_link_command,
        "dictionary": dictionary_command,
        "resync": resync_command,
        "forget": forget_command,
        "webhooks": webhooks_command,
    }
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
