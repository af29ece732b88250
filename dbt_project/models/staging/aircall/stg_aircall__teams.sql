{# grain: one row per Aircall team #}
with

source as (
    select * from {{ source('aircall', 'teams') }}
),

renamed as (
    select
        -- ids
        cast(source.id as varchar) as team_id,

        -- strings
        coalesce(source.record ->> '$.name', '') as team_name,

        -- numerics (ids are ints at Aircall: "first team" = lowest numeric id)
        try_cast(source.id as bigint) as team_id_number,

        -- timestamps
        {{ hubspot_timestamp("source.record ->> '$.created_at'") }} as created_at,
        source._loaded_at as loaded_at

    from source
)

select * from renamed
