{{ config(materialized='view') }}
{# grain: one row per CRM deal x associated contact, of every CRM #}
{#- Seam. `is_primary` is true where the CRM names the primary contact itself
    (Pipedrive's one `person_id`) and NULL where the warehouse chooses it (the
    earliest-created associated lead, fct_opportunities). -#}
with

stg_hubspot__deal_contacts as (
    select * from {{ ref('stg_hubspot__deal_contacts') }}
),

stg_pipedrive__deal_persons as (
    select * from {{ ref('stg_pipedrive__deal_persons') }}
),

hubspot_deal_contacts as (
    select
        'hubspot' as source_system,
        stg_hubspot__deal_contacts.deal_id,
        stg_hubspot__deal_contacts.contact_id,
        cast(null as boolean) as is_primary
    from stg_hubspot__deal_contacts
),

pipedrive_deal_contacts as (
    select
        'pipedrive' as source_system,
        stg_pipedrive__deal_persons.deal_id,
        stg_pipedrive__deal_persons.contact_id,
        stg_pipedrive__deal_persons.is_primary
    from stg_pipedrive__deal_persons
),

unioned as (
    select * from hubspot_deal_contacts
    union all
    select * from pipedrive_deal_contacts
)

select * from unioned
