{# grain: one row per deal x lead it is associated with, merged-away contacts re-pointed to their survivor #}
with

stg_hubspot__deal_contacts as (
    select * from {{ ref('stg_hubspot__deal_contacts') }}
),

int_contacts_resolved as (
    select * from {{ ref('int_contacts_resolved') }}
),

repointed as (
    -- A merged-away contact's deals belong to the contact it was merged into
    -- (kpis.md); links to deleted or unknown contacts are no association.
    select
        stg_hubspot__deal_contacts.deal_id,
        int_contacts_resolved.surviving_contact_id as contact_id
    from stg_hubspot__deal_contacts
    inner join int_contacts_resolved
        on stg_hubspot__deal_contacts.contact_id = int_contacts_resolved.contact_id
    where not int_contacts_resolved.is_survivor_deleted
),

deduplicated as (
    -- A deal linked to both a survivor and a contact merged into it links it once.
    select distinct
        repointed.deal_id,
        repointed.contact_id
    from repointed
)

select * from deduplicated
