{# grain: one row per HubSpot deal pipeline #}
with

source as (
    select * from {{ source('hubspot', 'deal_pipelines') }}
),

renamed as (
    select
        -- ids
        cast(source.id as varchar) as pipeline_id,

        -- strings
        coalesce(source.record ->> '$.label', '') as pipeline_label,

        -- numerics
        cast(source.record ->> '$.displayOrder' as integer) as display_order,

        -- booleans
        source.is_archived or coalesce(cast(source.record ->> '$.archived' as boolean), false) as is_archived,

        -- timestamps
        source.modified_at,
        source._loaded_at as loaded_at

    from source
)

select * from renamed
