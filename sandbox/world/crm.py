"""HubSpot objects in memory: records with string properties, pipelines, goal targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.world.clock import iso_ms
from sandbox.world.deals import RENEWALS

MODIFIED_PROPERTY = {
    "deals": "hs_lastmodifieddate",
    "contacts": "lastmodifieddate",
    "goal_targets": "hs_lastmodifieddate",
}
CREATED_PROPERTY = {
    "deals": "createdate",
    "contacts": "createdate",
    "goal_targets": "hs_createdate",
}
DEFAULT_PROPERTIES = {
    "deals": (
        "amount",
        "closedate",
        "createdate",
        "dealname",
        "dealstage",
        "hs_lastmodifieddate",
        "hs_object_id",
        "pipeline",
    ),
    "contacts": (
        "createdate",
        "email",
        "firstname",
        "hs_object_id",
        "lastmodifieddate",
        "lastname",
    ),
    "goal_targets": ("hs_createdate", "hs_lastmodifieddate", "hs_object_id"),
}
DATETIME_PROPERTIES = frozenset(
    {
        "createdate",
        "closedate",
        "hs_lastmodifieddate",
        "lastmodifieddate",
        "hs_createdate",
        "hs_start_datetime",
        "hs_end_datetime",
    }
)


@dataclass(slots=True)
class Record:
    """A HubSpot CRM object; every property value is a string or None, as on the wire."""

    id: int
    properties: dict[str, str | None]
    created_ms: int
    updated_ms: int
    archived_ms: int | None = None
    associations: list[int] = field(default_factory=list)
    visible_at: float = 0.0  # real time after which search sees this version (index lag)

    @property
    def archived(self) -> bool:
        return self.archived_ms is not None

    def render(
        self, names: tuple[str, ...], with_associations: str | None = None
    ) -> dict[str, Any]:
        """The record envelope of list and search responses, properties sorted by name."""
        props = {
            name: self.properties.get(name) for name in sorted(names) if name in self.properties
        }
        body: dict[str, Any] = {
            "id": str(self.id),
            "properties": props,
            "createdAt": iso_ms(self.created_ms),
            "updatedAt": iso_ms(self.updated_ms),
            "archived": self.archived,
        }
        if self.archived_ms is not None:
            body["archivedAt"] = iso_ms(self.archived_ms)
        if with_associations and self.associations:
            kind = "deal_to_contact" if with_associations == "contacts" else "contact_to_deal"
            results = [{"id": str(other), "type": kind} for other in self.associations]
            body["associations"] = {with_associations: {"results": results}}
        return body


def _stage(
    stage_id: str, label: str, order: int, closed: bool, probability: str, **extra: Any
) -> dict[str, Any]:
    return {
        "id": stage_id,
        "label": label,
        "displayOrder": order,
        "metadata": {"isClosed": "true" if closed else "false", "probability": probability},
        "archived": False,
        "createdAt": "2023-01-10T09:00:00Z",
        "updatedAt": "2023-01-10T09:00:00Z",
        "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
        **extra,
    }


def pipelines() -> list[dict[str, Any]]:
    """`GET /crm/v3/pipelines/deals` results: metadata values are strings in v3."""
    default_stages = [
        _stage("appointmentscheduled", "Rendez-vous planifié", 0, False, "0.2"),
        _stage("qualifiedtobuy", "Qualifié", 1, False, "0.4"),
        _stage("presentationscheduled", "Visite technique", 2, False, "0.6"),
        _stage("decisionmakerboughtin", "Devis accepté", 3, False, "0.8"),
        _stage("contractsent", "Contrat envoyé", 4, False, "0.9"),
        _stage("closedwon", "Gagné", 5, True, "1.0"),
        _stage("closedlost", "Perdu", 6, True, "0.0"),
    ]
    renewal_stages = [
        _stage("1001", "À renouveler", 0, False, "0.5"),
        _stage("1002", "Négociation", 1, False, "0.7"),
        _stage("1003", "Renouvelé", 2, True, "1.0"),
        _stage("1004", "Non renouvelé", 3, True, "0.0"),
        _stage(
            "1005",
            "En attente (ancien)",
            4,
            False,
            "0.3",
            archived=True,
            archivedAt="2024-02-01T10:00:00Z",
        ),
    ]
    renewal_stages[-1]["archived"] = True
    return [
        {
            "id": "default",
            "label": "Ventes particuliers",
            "displayOrder": 0,
            "archived": False,
            "createdAt": "2023-01-10T09:00:00Z",
            "updatedAt": "2024-03-02T11:20:00Z",
            "stages": default_stages,
        },
        {
            "id": RENEWALS,
            "label": "Renouvellements",
            "displayOrder": 1,
            "archived": False,
            "createdAt": "2023-06-05T08:30:00Z",
            "updatedAt": "2024-03-02T11:20:00Z",
            "stages": renewal_stages,
        },
    ]


def stage_metadata() -> dict[str, tuple[bool, str]]:
    """stage id -> (is closed, probability string), across pipelines."""
    return {
        stage["id"]: (stage["metadata"]["isClosed"] == "true", stage["metadata"]["probability"])
        for pipeline in pipelines()
        for stage in pipeline["stages"]
    }
