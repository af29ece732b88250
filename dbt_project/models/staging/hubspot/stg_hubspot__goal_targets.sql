{# grain: one row per HubSpot goal target (one time slice of a goal) #}
with

source as (
    select * from {{ source('hubspot', 'goal_targets') }}
),

renamed as (
    select
        -- ids
        cast(source.id as varchar) as goal_target_id,
        nullif(trim(source.record ->> '$.properties.hs_assignee_user_id'), '') as assignee_user_id,
        nullif(trim(source.record ->> '$.properties.hubspot_owner_id'), '') as owner_id,

        -- strings
        source.record ->> '$.properties.hs_goal_name' as goal_name,
        source.record ->> '$.properties.hs_goal_type' as goal_type,

        -- numerics
        cast(
            nullif(trim(source.record ->> '$.properties.hs_target_amount'), '') as decimal(38, 6)
        ) as target_amount,

        -- booleans
        source.is_archived or coalesce(cast(source.record ->> '$.archived' as boolean), false) as is_archived,

        -- timestamps
        {{ hubspot_timestamp("source.record ->> '$.properties.hs_start_datetime'") }} as starts_at,
        {{ hubspot_timestamp("source.record ->> '$.properties.hs_end_datetime'") }} as ends_at,
        source.modified_at,
        source._loaded_at as loaded_at

    from source
)

select * from renamed
