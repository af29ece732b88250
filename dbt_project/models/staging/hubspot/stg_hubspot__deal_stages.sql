{# grain: one row per pipeline x stage (stage ids are unique within a pipeline) #}
with

source as (
    select * from {{ source('hubspot', 'deal_pipelines') }}
),

unnested as (
    select
        cast(source.id as varchar) as pipeline_id,
        unnest(from_json(coalesce(source.record -> '$.stages', '[]'), '["JSON"]')) as stage
    from source
),

renamed as (
    select
        -- ids
        unnested.pipeline_id,
        cast(unnested.stage ->> '$.id' as varchar) as deal_stage_id,

        -- strings
        unnested.stage ->> '$.label' as deal_stage_label,

        -- numerics (metadata values are strings in v3)
        cast(nullif(trim(unnested.stage ->> '$.metadata.probability'), '') as double) as probability,
        cast(unnested.stage ->> '$.displayOrder' as integer) as display_order,

        -- booleans
        coalesce(lower(unnested.stage ->> '$.metadata.isClosed') = 'true', false) as is_closed,
        coalesce(cast(unnested.stage ->> '$.archived' as boolean), false) as is_archived
    from unnested
),

classified as (
    -- kpis.md: closed with probability 1 = won, closed with probability 0 = lost.
    select
        renamed.*,
        renamed.is_closed and renamed.probability = 1 as is_won,
        renamed.is_closed and renamed.probability = 0 as is_lost
    from renamed
)

select * from classified
