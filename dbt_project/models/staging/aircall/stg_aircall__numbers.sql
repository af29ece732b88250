{# grain: one row per Aircall number (business line) #}
with

source as (
    select * from {{ source('aircall', 'numbers') }}
),

renamed as (
    select
        -- ids
        cast(source.id as varchar) as number_id,

        -- strings
        source.record ->> '$.name' as line_name,
        nullif(trim(source.record ->> '$.digits'), '') as line_digits_raw,
        source.record ->> '$.country' as country_code,
        source.record ->> '$.time_zone' as line_time_zone,

        -- booleans
        cast(source.record ->> '$.is_ivr' as boolean) as is_ivr,

        -- timestamps
        {{ hubspot_timestamp("source.record ->> '$.created_at'") }} as created_at,
        source._loaded_at as loaded_at

    from source
)

select * from renamed
