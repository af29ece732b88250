"""What erasing a person means in Aircall records (connectors/erasure.py)."""

from collections.abc import Iterator

from connectors.erasure import ANONYMOUS_NUMBER, Record, Scrubber


class CallRule:
    """A call stays (it is the company's activity) with the customer's number set to
    ``anonymous`` and the Aircall contact, recordings, voicemail and comments removed."""

    holds_people = False

    def identifiers(self, record: Record) -> Iterator[tuple[str, object]]:
        """The customer's number and the Aircall contact's phones and e-mails."""
        yield "phone", record.get("raw_digits")
        contact = record.get("contact") or {}
        for kind, field in (("phone", "phone_numbers"), ("email", "emails")):
            for item in contact.get(field) or []:
                yield kind, item.get("value") if isinstance(item, dict) else item

    def scrub(self, record: Record, scrubber: Scrubber) -> Record:
        if not scrubber.matches(self, record):
            return record
        scrubbed = {**record, "raw_digits": ANONYMOUS_NUMBER, "contact": None, "comments": []}
        scrubbed.update(voicemail=None, recording=None, asset=None, erased=True)
        return scrubbed


ERASURE = {"calls": CallRule()}
