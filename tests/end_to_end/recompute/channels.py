"""Phone normalisation, business-line channels and channel labels (architecture.md conventions)."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

from .settings import Settings


@dataclass(frozen=True, slots=True)
class Channel:
    group: str
    channel: str
    label: str


UNKNOWN = Channel("unknown", "unknown", "Unknown")
OUTBOUND_CALL = Channel("outbound", "outbound_call", "Outbound call")
OUTBOUND_MESSAGE = Channel("outbound", "outbound_message", "Outbound message")
MESSAGING_CHANNELS = ("whatsapp", "sms", "web_chat")
WHATSAPP_PREFIX = "whatsapp:"

_TYPE_TO_CHANNEL = {
    PhoneNumberType.TOLL_FREE: "phone_toll_free",
    PhoneNumberType.FIXED_LINE: "phone_geographic",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "phone_geographic",
    PhoneNumberType.MOBILE: "phone_mobile",
    PhoneNumberType.PREMIUM_RATE: "phone_premium",
    PhoneNumberType.VOIP: "phone_national",
    PhoneNumberType.SHARED_COST: "phone_national",
    PhoneNumberType.UAN: "phone_national",
    PhoneNumberType.PERSONAL_NUMBER: "phone_national",
}

_LABELS = {
    "phone_toll_free": "Toll-free number",
    "phone_geographic": "Geographic number",
    "phone_national": "National number (VoIP)",
    "phone_mobile": "Mobile line",
    "phone_premium": "Premium-rate number",
    "whatsapp": "WhatsApp",
    "sms": "SMS",
    "web_chat": "Web chat",
    "outbound_call": "Outbound call",
    "outbound_message": "Outbound message",
    "unknown": "Unknown",
}


def normalise_phone(raw: str | None, region: str) -> str | None:
    """E.164 of a free-text number, or None when it is anonymous, empty, unparsable or invalid."""
    if raw is None or not raw.strip():
        return None
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def line_channel(business_line: str | None, settings: Settings) -> Channel:
    """Channel of a business line: libphonenumber type, then the per-line seed override."""
    if business_line is None:
        return UNKNOWN
    number_type = phonenumbers.number_type(phonenumbers.parse(business_line))
    name = _TYPE_TO_CHANNEL.get(number_type, "unknown")
    base = Channel("phone" if name != "unknown" else "unknown", name, _LABELS[name])
    override = settings.channel_mapping.get(business_line)
    if override is None:
        return base
    # The seed renames the channel; the group stays that of the number type.
    return Channel(base.group, override.channel, override.channel_label)


def message_channel(channel: str, business_line: str | None, settings: Settings) -> Channel:
    """Channel of a conversation: whatsapp / sms / web_chat, renamed per business line by the
    seed as for phone lines (its group stays `messaging`)."""
    assert channel in MESSAGING_CHANNELS, f"not a messaging channel: {channel}"
    override = settings.channel_mapping.get(business_line or "")
    if override is None:
        return Channel("messaging", channel, _LABELS[channel])
    return Channel("messaging", override.channel, override.channel_label)


def strip_whatsapp(address: str | None) -> str | None:
    """`whatsapp:+33612345678` -> `+33612345678` (a plain address is returned as it is)."""
    if address is None:
        return None
    text = address.strip()
    return text[len(WHATSAPP_PREFIX) :] if text.lower().startswith(WHATSAPP_PREFIX) else text


def is_whatsapp_address(address: str | None) -> bool:
    return address is not None and address.strip().lower().startswith(WHATSAPP_PREFIX)


def crm_channel(original_source: str | None) -> Channel:
    """`crm_<source>` for a lead without first touch, labelled "CRM: Sentence case"."""
    if original_source is None or not original_source.strip():
        return UNKNOWN
    source = original_source.strip().lower()
    words = source.replace("_", " ")
    return Channel("crm", f"crm_{source}", f"CRM: {words[:1].upper()}{words[1:]}")
