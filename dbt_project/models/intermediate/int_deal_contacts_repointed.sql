{# grain: one row per deal x lead it is associated with, merged-away contacts re-pointed to their survivor #}
with

int_crm_deal_contacts_unioned as (
    select * from {{ ref('int_crm_deal_contacts_unioned') }}
),

int_contacts_resolved as (
    select * from {{ ref('int_contacts_resolved') }}
),

repointed as (
    -- A merged-away contact's deals belong to the contact it was merged into
    -- (kpis.md); links to deleted or unknown contacts are no association.
    select
        int_crm_deal_contacts_unioned.deal_id,
        int_contacts_resolved.surviving_contact_id as contact_id,
        int_crm_deal_contacts_unioned.is_primary
    from int_crm_deal_contacts_unioned
    inner join int_contacts_resolved
        on int_crm_deal_contacts_unioned.contact_id = int_contacts_resolved.contact_id
    where not int_contacts_resolved.is_survivor_deleted
),

deduplicated as (
    -- A deal linked to both a survivor and a contact merged into it links it once.
    -- The CRM-declared primary flag survives the re-pointing.
    select
        repointed.deal_id,
        repointed.contact_id,
        bool_or(repointed.is_primary) as is_primary
    from repointed
    group by repointed.deal_id, repointed.contact_id
)

select * from deduplicated
