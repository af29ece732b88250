{# grain: one row per HubSpot deal (archived and gone ones flagged, not dropped) #}
with

source as (
    select * from {{ source('hubspot', 'deals') }}
),

renamed as (
    select
        -- ids
        cast(source.id as varchar) as deal_id,
        nullif(trim(source.record ->> '$.properties.hubspot_owner_id'), '') as owner_id,
        nullif(trim(source.record ->> '$.properties.pipeline'), '') as pipeline_id,
        nullif(trim(source.record ->> '$.properties.dealstage'), '') as deal_stage_id,

        -- strings
        source.record ->> '$.properties.dealname' as deal_name,
        upper(nullif(trim(source.record ->> '$.properties.deal_currency_code'), '')) as currency_code,

        -- numerics
        cast(nullif(trim(source.record ->> '$.properties.amount'), '') as decimal(38, 6)) as amount,
        cast(
            nullif(trim(source.record ->> '$.properties.amount_in_home_currency'), '')
            as decimal(38, 6)
        ) as amount_in_home_currency,

        -- booleans
        source.is_archived or coalesce(cast(source.record ->> '$.archived' as boolean), false) as is_archived,

        -- timestamps
        coalesce(
            {{ hubspot_timestamp("source.record ->> '$.properties.createdate'") }},
            {{ hubspot_timestamp("source.record ->> '$.createdAt'") }}
        ) as created_at,
        {{ hubspot_timestamp("source.record ->> '$.properties.closedate'") }} as close_date_at,
        source.modified_at,
        source._loaded_at as loaded_at,
        -- set when the pipeline found the id gone at the vendor (architecture.md)
        source._deleted_at as deleted_at

    from source
)

select * from renamed
