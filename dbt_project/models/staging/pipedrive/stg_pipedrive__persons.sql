{# grain: one row per Pipedrive person (deleted ones flagged, not dropped) #}
with

source as (
    select * from {{ source('pipedrive', 'persons') }}
),

renamed as (
    select
        -- ids
        'pipedrive:' || cast(source.id as varchar) as contact_id,
        'pipedrive:' || nullif(trim(source.record ->> '$.owner_id'), '') as owner_id,

        -- strings: the primary e-mail, else the first one listed
        nullif(
            trim(
                coalesce(
                    list_filter(
                        from_json(
                            coalesce(source.record -> '$.emails', '[]'),
                            '[{"value": "VARCHAR", "primary": "BOOLEAN"}]'
                        ),
                        lambda email: email.primary
                    )[1].value,
                    from_json(coalesce(source.record -> '$.emails', '[]'), '[{"value": "VARCHAR"}]')[1].value
                )
            ),
            ''
        ) as email,
        -- Pipedrive has no lifecycle stage; the original source is the origin of
        -- the person's earliest deal, read by int_crm_contacts_unioned.
        cast(null as varchar) as lifecycle_stage,

        -- lists: the v2 API names no merged persons (a merge deletes the absorbed one)
        cast([] as varchar[]) as merged_contact_ids,

        -- booleans
        source.is_archived
        or coalesce(cast(source.record ->> '$.is_deleted' as boolean), false) as is_archived,

        -- timestamps
        {{ rfc3339_timestamp("source.record ->> '$.add_time'") }} as created_at,
        source.modified_at,
        source._loaded_at as loaded_at,
        -- set when the pipeline found the id gone at the vendor (architecture.md)
        source._deleted_at as deleted_at

    from source
)

select * from renamed
