{# grain: one row per Pipedrive stage (stage ids are unique across pipelines) #}
with

source as (
    select * from {{ source('pipedrive', 'stages') }}
),

renamed as (
    select
        -- ids
        'pipedrive:' || nullif(trim(source.record ->> '$.pipeline_id'), '') as pipeline_id,
        'pipedrive:' || cast(source.id as varchar) as deal_stage_id,

        -- strings
        source.record ->> '$.name' as deal_stage_label,

        -- numerics: a percentage at Pipedrive, a share like the other CRMs' here
        cast(nullif(trim(source.record ->> '$.deal_probability'), '') as double) / 100 as probability,
        cast(source.record ->> '$.order_nr' as integer) as display_order,

        -- booleans: Pipedrive stages are all open ones; the deal's `status` says
        -- won or lost (kpis.md), so the stage states no outcome (NULL, not false).
        false as is_closed,
        cast(null as boolean) as is_won,
        cast(null as boolean) as is_lost,
        source.is_archived
        or coalesce(cast(source.record ->> '$.is_deleted' as boolean), false) as is_archived
    from source
)

select * from renamed
