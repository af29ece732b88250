{# grain: one row per Pipedrive pipeline #}
with

source as (
    select * from {{ source('pipedrive', 'pipelines') }}
),

renamed as (
    select
        -- ids
        'pipedrive:' || cast(source.id as varchar) as pipeline_id,

        -- strings: the pipeline label of the KPIs is its `name` (kpis.md)
        coalesce(source.record ->> '$.name', '') as pipeline_label,

        -- numerics
        cast(source.record ->> '$.order_nr' as integer) as display_order,

        -- booleans
        source.is_archived
        or coalesce(cast(source.record ->> '$.is_deleted' as boolean), false) as is_archived,

        -- timestamps
        source.modified_at,
        source._loaded_at as loaded_at

    from source
)

select * from renamed
