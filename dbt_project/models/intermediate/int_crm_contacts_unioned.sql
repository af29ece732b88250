{{ config(materialized='view') }}
{# grain: one row per CRM contact (lead candidate), of every CRM (deleted ones flagged, not dropped) #}
{#- Seam. The CRM original source is a contact property at HubSpot and the
    `origin` of the person's earliest-created live deal at Pipedrive (kpis.md
    "Per-CRM readings"); both leave here as `original_source`. -#}
with

stg_hubspot__contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

stg_pipedrive__persons as (
    select * from {{ ref('stg_pipedrive__persons') }}
),

stg_pipedrive__deals as (
    select * from {{ ref('stg_pipedrive__deals') }}
),

hubspot_contacts as (
    select
        'hubspot' as source_system,
        stg_hubspot__contacts.contact_id,
        stg_hubspot__contacts.owner_id,
        stg_hubspot__contacts.email,
        stg_hubspot__contacts.lifecycle_stage,
        stg_hubspot__contacts.original_source,
        stg_hubspot__contacts.merged_contact_ids,
        stg_hubspot__contacts.is_archived,
        stg_hubspot__contacts.created_at,
        stg_hubspot__contacts.modified_at,
        stg_hubspot__contacts.loaded_at,
        stg_hubspot__contacts.deleted_at
    from stg_hubspot__contacts
),

pipedrive_person_origins as (
    -- Deleted deals are excluded everywhere, so they name no origin either;
    -- ties on the creation second go to the lowest deal id.
    select
        stg_pipedrive__deals.person_id,
        stg_pipedrive__deals.origin
    from stg_pipedrive__deals
    where stg_pipedrive__deals.person_id is not null
        and not stg_pipedrive__deals.is_archived
        and stg_pipedrive__deals.deleted_at is null
    qualify row_number() over (
            partition by stg_pipedrive__deals.person_id
            order by
                stg_pipedrive__deals.created_at nulls last,
                try_cast(replace(stg_pipedrive__deals.deal_id, 'pipedrive:', '') as bigint),
                stg_pipedrive__deals.deal_id
        ) = 1
),

pipedrive_contacts as (
    select
        'pipedrive' as source_system,
        stg_pipedrive__persons.contact_id,
        stg_pipedrive__persons.owner_id,
        stg_pipedrive__persons.email,
        stg_pipedrive__persons.lifecycle_stage,
        pipedrive_person_origins.origin as original_source,
        stg_pipedrive__persons.merged_contact_ids,
        stg_pipedrive__persons.is_archived,
        stg_pipedrive__persons.created_at,
        stg_pipedrive__persons.modified_at,
        stg_pipedrive__persons.loaded_at,
        stg_pipedrive__persons.deleted_at
    from stg_pipedrive__persons
    left join pipedrive_person_origins
        on stg_pipedrive__persons.contact_id = pipedrive_person_origins.person_id
),

unioned as (
    select * from hubspot_contacts
    union all
    select * from pipedrive_contacts
)

select * from unioned
