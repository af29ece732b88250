{# grain: one row per HubSpot contact (archived ones flagged, not dropped) #}
with

source as (
    select * from {{ source('hubspot', 'contacts') }}
),

renamed as (
    select
        -- ids
        cast(source.id as varchar) as contact_id,
        nullif(trim(source.record ->> '$.properties.hubspot_owner_id'), '') as owner_id,

        -- strings (phones stay free text here; int_phone_numbers_normalised parses them)
        nullif(trim(source.record ->> '$.properties.email'), '') as email,
        nullif(trim(source.record ->> '$.properties.phone'), '') as phone_raw,
        nullif(trim(source.record ->> '$.properties.mobilephone'), '') as mobile_phone_raw,
        nullif(trim(source.record ->> '$.properties.lifecyclestage'), '') as lifecycle_stage,
        nullif(trim(source.record ->> '$.properties.hs_analytics_source'), '') as original_source,

        -- booleans
        source.is_archived or coalesce(cast(source.record ->> '$.archived' as boolean), false) as is_archived,

        -- timestamps
        coalesce(
            {{ hubspot_timestamp("source.record ->> '$.properties.createdate'") }},
            {{ hubspot_timestamp("source.record ->> '$.createdAt'") }}
        ) as created_at,
        source.modified_at,
        source._loaded_at as loaded_at

    from source
)

select * from renamed
