{# grain: one row per Aircall team x user #}
with

source as (
    select * from {{ source('aircall', 'teams') }}
),

unnested as (
    select
        cast(source.id as varchar) as team_id,
        unnest(from_json(coalesce(source.record -> '$.users', '[]'), '["JSON"]')) as member
    from source
),

renamed as (
    select
        -- ids
        unnested.team_id,
        cast(unnested.member ->> '$.id' as varchar) as user_id
    from unnested
),

deduplicated as (
    select distinct
        renamed.team_id,
        renamed.user_id
    from renamed
    where renamed.user_id is not null
)

select * from deduplicated
