"""HMAC-SHA256 pseudonym of every CRM contact id, the only customer identifier exports carry.

The input is the contact id as the CRM seam gives it: a primary CRM's id as is, any other
CRM's prefixed with its name (kpis.md "customer key input"), so two CRMs never collide.

The key comes from the environment at run time and is never passed through dbt vars, so it
never appears in compiled SQL, dbt artefacts, logs or the warehouse.
"""

import hashlib
import hmac
import os

import pandas as pd

KEY_VARIABLE = "PII_HASH_KEY"


def customer_key(contact_id: str, key: bytes) -> str:
    """Lower-case hex HMAC-SHA256 of the contact id (UTF-8), architecture.md convention."""
    return hmac.new(key, contact_id.encode("utf-8"), hashlib.sha256).hexdigest()


def model(dbt, session):
    dbt.config(materialized="table")
    secret = os.environ.get(KEY_VARIABLE, "")
    if not secret:
        raise RuntimeError(f"{KEY_VARIABLE} is not set: customer keys cannot be computed")
    key = secret.encode("utf-8")
    contacts = dbt.ref("int_crm_contacts_unioned")
    contact_ids = sorted(
        {row[0] for row in contacts.query("contacts", "select contact_id from contacts").fetchall()}
    )
    frame = pd.DataFrame(
        {
            "contact_id": pd.Series(contact_ids, dtype="object"),
            "customer_key": pd.Series(
                [customer_key(contact_id, key) for contact_id in contact_ids], dtype="object"
            ),
        }
    )
    return session.from_df(frame).project(
        "cast(contact_id as varchar) as contact_id, cast(customer_key as varchar) as customer_key"
    )
