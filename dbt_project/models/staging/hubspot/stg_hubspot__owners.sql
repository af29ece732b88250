{# grain: one row per HubSpot owner, active and archived #}
with

source as (
    select * from {{ source('hubspot', 'owners') }}
),

renamed as (
    select
        -- ids
        cast(source.id as varchar) as owner_id,
        nullif(trim(source.record ->> '$.userId'), '') as hubspot_user_id,

        -- strings
        nullif(trim(source.record ->> '$.email'), '') as email,
        nullif(trim(source.record ->> '$.firstName'), '') as first_name,
        nullif(trim(source.record ->> '$.lastName'), '') as last_name,
        -- The owner's primary team, read in place so the grain stays one row per owner.
        nullif(
            trim(
                list_filter(
                    from_json(
                        coalesce(source.record -> '$.teams', '[]'),
                        '[{"id": "VARCHAR", "name": "VARCHAR", "primary": "VARCHAR"}]'
                    ),
                    lambda team: lower(team.primary) = 'true'
                )[1].name
            ),
            ''
        ) as primary_team_name,

        -- booleans
        source.is_archived or coalesce(cast(source.record ->> '$.archived' as boolean), false) as is_archived,

        -- timestamps
        {{ hubspot_timestamp("source.record ->> '$.createdAt'") }} as created_at,
        source.modified_at,
        source._loaded_at as loaded_at

    from source
)

select * from renamed
