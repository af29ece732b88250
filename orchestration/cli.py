"""`kpi-pipeline`: run the pipeline, serve the sandbox, prepare the dbt manifest."""

import argparse
import os
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
    add_forget_parser(commands)
    return parser


def add_forget_parser(commands: argparse._SubParsersAction) -> None:
    """`forget`: GDPR erasure of one person (README, "Privacy: erasure and key rotation")."""
    forget = commands.add_parser(
        "forget", help="erase a person from landing, raw, marts and every published target"
    )
    forget.add_argument("--email", action="append", default=[], help="e-mail (repeatable)")
    forget.add_argument("--phone", action="append", default=[], help="phone number (repeatable)")
    forget.add_argument(
        "--contact-id", action="append", default=[], help="HubSpot contact id (repeatable)"
    )
    forget.add_argument(
        "--sandbox", action="store_true", help="a sandbox warehouse: use the demo keys"
    )
    forget.add_argument(
        "--no-publish", action="store_true", help="rebuild the marts but do not republish"
    )


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
    from orchestration.pipeline_run import run_pipeline

    try:
        summary = run_pipeline(
            sandbox=args.sandbox, scale=args.scale, seed=args.seed, full_refresh=args.full_refresh
        )
    except MissingConfigurationError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except ConcurrentRunError as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    print_summary(summary)
    return 0 if summary.success else 1


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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {
        "run": run_command,
        "sandbox": sandbox_command,
        "prepare": prepare_command,
        "looker-link": looker_link_command,
        "forget": forget_command,
    }
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
