"""Every distinct raw phone string of the sources, parsed once to E.164 and its number type.

Phones are free text in the CRMs and pretty-printed by telephony sources (source_apis.md §6).
Parsing is done over DISTINCT raw strings, not once per call row, so the cost follows the number of
customers and lines rather than the call volume. Incremental: a run parses only strings not
parsed before with the same default region (a region change re-parses everything), and looks for
them only in the calls loaded since the last run (within the lookback): finding the distinct
strings of a year of calls cost more than parsing the new ones (27 s of a 60 s nightly at M).
"""

import pandas as pd
import phonenumbers

# Raw strings that are never numbers (source_apis.md §6), compared lower-cased.
NON_NUMBERS = {"anonymous", "unknown", "private", "restricted", "unavailable"}
TYPE_NAMES = {
    value: name
    for name, value in vars(phonenumbers.PhoneNumberType).items()
    if name.isupper() and isinstance(value, int)
}
RAW_SQL = "select raw_number from phones where raw_number is not null"


def normalise(raw: str, region: str) -> tuple[str | None, str | None]:
    """Return (E.164, libphonenumber type name) of a raw string, (None, None) if not a number."""
    text = raw.strip()
    if not text or text.lower() in NON_NUMBERS or text.lower().startswith(("client:", "sip:")):
        return None, None
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None, None
    if not phonenumbers.is_valid_number(parsed):
        return None, None
    number_type = TYPE_NAMES.get(phonenumbers.number_type(parsed), "UNKNOWN")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), number_type


def distinct_raw_numbers(dbt, calls_since: str | None) -> list[str]:
    """Every raw string of contacts, lines and messages; of calls, those loaded after
    ``calls_since`` (an ISO instant), or all of them when None."""
    phones = dbt.ref("int_crm_contact_phones_unioned")
    calls = dbt.ref("int_telephony_calls_unioned")
    if calls_since is not None:
        calls = calls.filter(f"loaded_at > '{calls_since}'::timestamptz")
    numbers = dbt.ref("int_telephony_numbers_unioned")
    raw = {row[0] for row in phones.query("phones", RAW_SQL).fetchall()}
    raw |= {
        row[0]
        for row in calls.query(
            "calls",
            "select customer_number_raw from calls where customer_number_raw is not null"
            " union select line_digits_raw from calls where line_digits_raw is not null",
        ).fetchall()
    }
    raw |= {
        row[0]
        for row in numbers.query(
            "numbers", "select line_digits_raw from numbers where line_digits_raw is not null"
        ).fetchall()
    }
    messages = dbt.ref("int_messages_unioned")
    raw |= {
        row[0]
        for row in messages.query(
            "messages",
            "select customer_number_raw from messages where customer_number_raw is not null"
            " union select business_number_raw from messages where business_number_raw is not null",
        ).fetchall()
    }
    return sorted(raw)


def calls_loaded_until(dbt) -> str | None:
    """The latest ``loaded_at`` of the calls this run reads (ISO), None when there are none."""
    calls = dbt.ref("int_telephony_calls_unioned")
    rows = calls.query("calls", "select cast(max(loaded_at) as varchar) from calls").fetchall()
    return rows[0][0]


def calls_seen_since(session, this, region: str, lookback_hours: int) -> str | None:
    """Where the previous runs' call scan stopped, less the lookback; None: scan every call
    (first run, region change, or a table from before the watermark column existed)."""
    columns = {column[0] for column in session.execute(f"select * from {this} limit 0").description}
    if "calls_loaded_until" not in columns:
        return None
    row = session.execute(
        f"select count(*) filter (where parsed_with_region is distinct from ?),"
        f" cast(max(calls_loaded_until) - to_hours(?) as varchar) from {this}",
        [region, lookback_hours],
    ).fetchall()[0]
    other_region, since = row
    return since if other_region == 0 else None


def rewritten_row(session, this, region: str) -> tuple[list[str], list[tuple]]:
    """One row already parsed with ``region``, as (raw strings, parse results)."""
    rows = session.execute(
        f"select raw_number, number_e164, number_type from {this}"
        " where parsed_with_region = ? limit 1",
        [region],
    ).fetchall()
    return [row[0] for row in rows], [(row[1], row[2]) for row in rows]


def model(dbt, session):
    # Old tables gain the watermark column (NULL there), which makes the first run scan all.
    dbt.config(
        materialized="incremental", unique_key="raw_number", on_schema_change="append_new_columns"
    )
    settings = dbt.ref("int_settings_resolved")
    rows = settings.query(
        "settings", "select default_phone_region, incremental_lookback_hours from settings"
    ).fetchall()
    region, lookback_hours = rows[0]
    loaded_until = calls_loaded_until(dbt)
    since = None
    if dbt.is_incremental:
        since = calls_seen_since(session, dbt.this, region, lookback_hours)
    raw_numbers = distinct_raw_numbers(dbt, since)
    if dbt.is_incremental:
        known = session.execute(
            f"select raw_number from {dbt.this} where parsed_with_region = ?", [region]
        ).fetchall()
        parsed_before = {row[0] for row in known}
        raw_numbers = [raw for raw in raw_numbers if raw not in parsed_before]
    parsed = [normalise(raw, region) for raw in raw_numbers]
    if since is not None and not raw_numbers:
        # Nothing new: one known row is written again with this run's watermark, so a quiet
        # spell does not make every later run scan back to the last new number.
        raw_numbers, parsed = rewritten_row(session, dbt.this, region)
    frame = pd.DataFrame(
        {
            "raw_number": pd.Series(raw_numbers, dtype="object"),
            "number_e164": pd.Series([p[0] for p in parsed], dtype="object"),
            "number_type": pd.Series([p[1] for p in parsed], dtype="object"),
            "parsed_with_region": pd.Series([region] * len(raw_numbers), dtype="object"),
            "calls_loaded_until": pd.Series([loaded_until] * len(raw_numbers), dtype="object"),
        }
    )
    # Explicit types, so an empty source still yields VARCHAR columns.
    return session.from_df(frame).project(
        "cast(raw_number as varchar) as raw_number,"
        " cast(number_e164 as varchar) as number_e164,"
        " cast(number_type as varchar) as number_type,"
        " number_e164 is not null as is_valid,"
        " cast(parsed_with_region as varchar) as parsed_with_region,"
        # The calls scanned up to: the next run looks only at calls loaded after it.
        " cast(calls_loaded_until as timestamptz) as calls_loaded_until"
    )
