"""Every distinct raw phone string of the sources, parsed once to E.164 and its number type.

Phones are free text in the CRMs and pretty-printed by telephony sources (source_apis.md §6).
Parsing is done over DISTINCT raw strings, not once per call row, so the cost follows the number of
customers and lines rather than the call volume. Incremental: a run parses only strings not
parsed before with the same default region (a region change re-parses everything).
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


def distinct_raw_numbers(dbt) -> list[str]:
    phones = dbt.ref("int_crm_contact_phones_unioned")
    calls = dbt.ref("int_telephony_calls_unioned")
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


def model(dbt, session):
    dbt.config(materialized="incremental", unique_key="raw_number")
    settings = dbt.ref("int_settings_resolved")
    rows = settings.query("settings", "select default_phone_region from settings").fetchall()
    region = rows[0][0]
    raw_numbers = distinct_raw_numbers(dbt)
    if dbt.is_incremental:
        known = session.execute(
            f"select raw_number from {dbt.this} where parsed_with_region = ?", [region]
        ).fetchall()
        parsed_before = {row[0] for row in known}
        raw_numbers = [raw for raw in raw_numbers if raw not in parsed_before]
    parsed = [normalise(raw, region) for raw in raw_numbers]
    frame = pd.DataFrame(
        {
            "raw_number": pd.Series(raw_numbers, dtype="object"),
            "number_e164": pd.Series([p[0] for p in parsed], dtype="object"),
            "number_type": pd.Series([p[1] for p in parsed], dtype="object"),
            "parsed_with_region": pd.Series([region] * len(raw_numbers), dtype="object"),
        }
    )
    # Explicit types, so an empty source still yields VARCHAR columns.
    return session.from_df(frame).project(
        "cast(raw_number as varchar) as raw_number,"
        " cast(number_e164 as varchar) as number_e164,"
        " cast(number_type as varchar) as number_type,"
        " number_e164 is not null as is_valid,"
        " cast(parsed_with_region as varchar) as parsed_with_region"
    )
