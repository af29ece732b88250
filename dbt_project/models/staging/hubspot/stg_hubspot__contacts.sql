{# grain: one row per HubSpot contact (archived, gone and merged-away ones flagged, not dropped) #}
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

        -- lists: ids of the contacts merged into this one ("123;456"), empty when none
        -- (noqa: lambda arguments are no table columns)
        list_filter(
            list_transform(
                string_split(coalesce(source.record ->> '$.properties.hs_merged_object_ids', ''), ';'),
                lambda merged_id: trim(merged_id)  -- noqa: RF03
            ),
            lambda merged_id: merged_id != ''  -- noqa: RF03
        ) as merged_contact_ids,

        -- booleans
        source.is_archived or coalesce(cast(source.record ->> '$.archived' as boolean), false) as is_archived,

        -- timestamps
        coalesce(
            {{ hubspot_timestamp("source.record ->> '$.properties.createdate'") }},
            {{ hubspot_timestamp("source.record ->> '$.createdAt'") }}
        ) as created_at,
        source.modified_at,
        source._loaded_at as loaded_at,
        -- set when the pipeline found the id gone at the vendor (architecture.md)
        source._deleted_at as deleted_at

    from source
)

select * from renamed
