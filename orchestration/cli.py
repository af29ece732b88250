"""`kpi-pipeline`: run the pipeline, serve the sandbox, prepare the dbt manifest."""

import argparse
import sys
from datetime import date

from orchestration.pipeline_run import RunSummary
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

    sandbox = commands.add_parser("sandbox", help="serve the HubSpot + Aircall sandbox APIs")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8765)
    sandbox.add_argument("--scale", type=float, default=1.0)
    sandbox.add_argument("--seed", type=int, default=None)
    sandbox.add_argument(
        "--as-of", type=date.fromisoformat, default=None, help="last day of data (YYYY-MM-DD)"
    )

    commands.add_parser("prepare", help="parse the dbt project into target/manifest.json")

    link = commands.add_parser(
        "looker-link", help="print a Looker Studio (Data Studio) URL creating a report on GCS"
    )
    link.add_argument("--bucket", default="", help="GCS bucket (default: LOOKER_GCS_BUCKET)")
    link.add_argument("--prefix", default="", help="GCS prefix (default: LOOKER_GCS_PREFIX)")
    link.add_argument("--report-id", default=None, help="template report to copy")
    link.add_argument("--name", default="Sales KPIs by channel and agent", help="report name")
    return parser


def print_summary(summary: RunSummary) -> None:
    """The closing report: per-stream volumes, dbt outcome, and what failed."""
    print("\nIngest")
    for stream, metadata in summary.streams:
        print(
            f"  {stream:<24} {metadata.get('records', 0):>9,} records "
            f"{metadata.get('pages', 0):>6,} pages  +{metadata.get('inserted', 0):,} inserted "
            f"~{metadata.get('updated', 0):,} updated  {metadata.get('elapsed_seconds', 0):.1f} s"
        )
    print(f"dbt: {summary.models_built} models/seeds materialised")
    if summary.publication:
        publication = summary.publication
        print(f"Published version {publication['version']}: {publication['rows']:,} rows")
        print(f"  to {publication['locations']}")
    else:
        print("Nothing published: consumers keep the previous publication.")
    print(f"Checks: {summary.checks_passed} passed, {len(summary.checks_failed)} failed")
    for name in summary.checks_failed:
        print(f"  FAILED check {name}")
    for step in summary.failed_steps:
        print(f"  FAILED step {step}")
    verdict = "succeeded" if summary.success else "FAILED"
    print(f"Pipeline {verdict} in {summary.elapsed_seconds:.1f} s")


def run_command(args: argparse.Namespace) -> int:
    """Run the pipeline; every non-zero exit is also posted to ALERT_WEBHOOK_URL when set."""
    from orchestration.alerts import alert_cli_failure

    code, reason, run_id = _run_and_report(args)
    if code != 0:
        alert_cli_failure(code, reason, run_id)
    return code


def _run_and_report(args: argparse.Namespace) -> tuple[int, str, str]:
    """Exit code (see README, exit codes), a one-line failure reason, and the Dagster run id."""
    from orchestration.config_check import deadline_minutes
    from orchestration.pipeline_run import run_pipeline
    from orchestration.run_control import stop_exit_code
    from orchestration.settings import load_dotenv_file, setting

    load_dotenv_file()
    deadline = args.deadline or deadline_minutes(setting("RUN_DEADLINE_MINUTES"))
    try:
        summary = run_pipeline(
            sandbox=args.sandbox,
            scale=args.scale,
            seed=args.seed,
            full_refresh=args.full_refresh,
            deadline_minutes=deadline,
        )
    except MissingConfigurationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2, f"configuration: {error}", ""
    except ConcurrentRunError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3, str(error), ""
    print_summary(summary)
    if summary.success:
        return 0, "", summary.run_id
    if summary.stopped:
        print(f"Run stopped: {summary.stopped}; nothing published.", file=sys.stderr)
        reason = f"stopped ({summary.stopped}) before publishing"
        return stop_exit_code(summary.stopped), reason, summary.run_id
    for error in summary.errors:
        print(f"  {error}", file=sys.stderr)
    reason = "; ".join(summary.errors[:10] + summary.checks_failed[:10]) or "failed"
    return 1, reason, summary.run_id


def sandbox_command(args: argparse.Namespace) -> int:
    from connectors.sandbox import SandboxConfig, serve_forever

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


def looker_link_command(args: argparse.Namespace) -> int:
    from orchestration.looker_link import build_report_link, table_folders
    from orchestration.settings import load_dotenv_file, setting
    from publishing import EXPORT_COLUMNS

    load_dotenv_file()
    bucket = args.bucket or setting("LOOKER_GCS_BUCKET")
    if not bucket:
        print("error: no bucket: pass --bucket or set LOOKER_GCS_BUCKET", file=sys.stderr)
        return 2
    folders = table_folders(
        bucket, args.prefix or setting("LOOKER_GCS_PREFIX"), list(EXPORT_COLUMNS)
    )
    print(build_report_link(folders, args.name, args.report_id))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {
        "run": run_command,
        "sandbox": sandbox_command,
        "prepare": prepare_command,
        "looker-link": looker_link_command,
    }
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
