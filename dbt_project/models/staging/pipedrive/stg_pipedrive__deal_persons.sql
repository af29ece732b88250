{# grain: one row per Pipedrive deal with a person (its only, hence primary, contact) #}
with

source as (
    select * from {{ source('pipedrive', 'deals') }}
),

renamed as (
    select
        -- ids
        'pipedrive:' || cast(source.id as varchar) as deal_id,
        'pipedrive:' || nullif(trim(source.record ->> '$.person_id'), '') as contact_id,

        -- booleans: `person_id` is the deal's one contact (kpis.md)
        true as is_primary
    from source
),

linked as (
    select *
    from renamed
    where renamed.contact_id is not null
)

select * from linked
