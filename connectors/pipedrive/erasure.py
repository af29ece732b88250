"""What erasing a person means in Pipedrive records (connectors/erasure.py)."""

from collections.abc import Iterator

from connectors.erasure import Record, Scrubber


class PersonRule:
    """A person of an erased customer becomes a tombstone: an opaque id with only its times and
    deleted flag, so the lead still counts but nothing links it to the person."""

    holds_people = True

    def identifiers(self, record: Record) -> Iterator[tuple[str, object]]:
        """Its id, every e-mail and every phone."""
        yield "contact_id", record.get("id")
        for kind, field in (("email", "emails"), ("phone", "phones")):
            for item in record.get(field) or []:
                yield kind, item.get("value") if isinstance(item, dict) else item

    def scrub(self, record: Record, scrubber: Scrubber) -> Record:
        if not scrubber.matches(self, record):
            return record
        kept = ("add_time", "update_time", "is_deleted")
        tombstone = {key: record.get(key) for key in kept if key in record}
        return {"id": scrubber.tombstone_id(record.get("id")), "erased": True, **tombstone}


class DealRule:
    """A deal keeps everything but its link to an erased person (``person_id``)."""

    holds_people = False

    def identifiers(self, record: Record) -> Iterator[tuple[str, object]]:
        yield "contact_id", record.get("person_id")

    def scrub(self, record: Record, scrubber: Scrubber) -> Record:
        person = record.get("person_id")
        if person is None or not scrubber.is_erased("contact_id", person):
            return record
        # As a HubSpot deal drops its association: the deal stays, unlinked from the person.
        return {**record, "person_id": None}


ERASURE = {"persons": PersonRule(), "deals": DealRule()}
