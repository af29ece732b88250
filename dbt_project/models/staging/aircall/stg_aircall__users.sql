{# grain: one row per Aircall user #}
with

source as (
    select * from {{ source('aircall', 'users') }}
),

renamed as (
    select
        -- ids
        cast(source.id as varchar) as user_id,

        -- strings
        nullif(trim(source.record ->> '$.name'), '') as user_name,
        nullif(trim(source.record ->> '$.email'), '') as email,
        source.record ->> '$.availability_status' as availability_status,

        -- booleans
        source.is_archived,

        -- timestamps
        {{ hubspot_timestamp("source.record ->> '$.created_at'") }} as created_at,
        source._loaded_at as loaded_at

    from source
)

select * from renamed
