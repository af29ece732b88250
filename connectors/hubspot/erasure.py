"""What erasing a person means in HubSpot records (connectors/erasure.py)."""

from collections.abc import Iterator

from connectors.erasure import Record, Scrubber


class ContactRule:
    """A HubSpot contact of an erased person becomes a tombstone: an opaque id with only its
    creation date and archived flag, so the vendor's contact count still reconciles and the
    lead still counts as a lead, but nothing links it to the person."""

    holds_people = True

    def identifiers(self, record: Record) -> Iterator[tuple[str, object]]:
        """Its id, e-mail, phone and mobile phone."""
        properties = record.get("properties") or {}
        yield "contact_id", record.get("id")
        yield "email", properties.get("email")
        yield "phone", properties.get("phone")
        yield "phone", properties.get("mobilephone")

    def scrub(self, record: Record, scrubber: Scrubber) -> Record:
        if not scrubber.matches(self, record):
            return record
        properties = record.get("properties") or {}
        return {
            "id": scrubber.tombstone_id(record.get("id")),
            "erased": True,
            "archived": bool(record.get("archived", False)),
            "createdAt": record.get("createdAt"),
            # Times are no PII, and the reconciliation compares modified times with the vendor's.
            "properties": {
                key: properties.get(key)
                for key in ("createdate", "lastmodifieddate")
                if key in properties
            },
        }


class DealRule:
    """A deal keeps everything but its associations to erased contacts."""

    holds_people = False

    def identifiers(self, record: Record) -> Iterator[tuple[str, object]]:
        contacts = ((record.get("associations") or {}).get("contacts") or {}).get("results")
        for item in contacts or []:
            yield "contact_id", item.get("id")

    def scrub(self, record: Record, scrubber: Scrubber) -> Record:
        contacts = ((record.get("associations") or {}).get("contacts") or {}).get("results")
        if not contacts:
            return record
        kept = [item for item in contacts if not scrubber.is_erased("contact_id", item.get("id"))]
        if len(kept) == len(contacts):
            return record
        associations = {**record["associations"]}
        associations["contacts"] = {**associations["contacts"], "results": kept}
        return {**record, "associations": associations}


ERASURE = {"contacts": ContactRule(), "deals": DealRule()}
