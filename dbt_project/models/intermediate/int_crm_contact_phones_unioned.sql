{{ config(materialized='view') }}
{# grain: one row per CRM contact x phone field holding a raw number, of every CRM #}
{#- Seam. Phones stay free text here; int_phone_numbers_normalised parses
    them. HubSpot has two phone properties, Pipedrive a `phones` list. -#}
with

stg_hubspot__contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

stg_pipedrive__person_phones as (
    select * from {{ ref('stg_pipedrive__person_phones') }}
),

hubspot_phones as (
    select
        'hubspot' as source_system,
        stg_hubspot__contacts.contact_id,
        'phone' as phone_field,
        stg_hubspot__contacts.phone_raw as raw_number
    from stg_hubspot__contacts
    where stg_hubspot__contacts.phone_raw is not null
    union all
    select
        'hubspot' as source_system,
        stg_hubspot__contacts.contact_id,
        'mobilephone' as phone_field,
        stg_hubspot__contacts.mobile_phone_raw as raw_number
    from stg_hubspot__contacts
    where stg_hubspot__contacts.mobile_phone_raw is not null
),

pipedrive_phones as (
    select
        'pipedrive' as source_system,
        stg_pipedrive__person_phones.contact_id,
        stg_pipedrive__person_phones.phone_field,
        stg_pipedrive__person_phones.raw_number
    from stg_pipedrive__person_phones
),

unioned as (
    select * from hubspot_phones
    union all
    select * from pipedrive_phones
)

select * from unioned
