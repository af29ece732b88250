{# grain: one row per Pipedrive user (deal and person owner), active and deactivated #}
with

source as (
    select * from {{ source('pipedrive', 'users') }}
),

renamed as (
    select
        -- ids: a Pipedrive user is the owner itself; goals (none here) need no user id
        'pipedrive:' || cast(source.id as varchar) as owner_id,
        cast(null as varchar) as crm_user_id,
        -- the agent of an owner without e-mail (agent_id macro)
        'pipedrive_user_' || cast(source.id as varchar) as fallback_agent_id,

        -- strings: users have no team, so the telephony team applies (kpis.md)
        nullif(trim(source.record ->> '$.email'), '') as email,
        nullif(trim(source.record ->> '$.name'), '') as owner_name,
        cast(null as varchar) as primary_team_name,

        -- booleans: a deactivated user is a former owner, like an archived one
        source.is_archived
        or not coalesce(cast(source.record ->> '$.active_flag' as boolean), true) as is_archived,

        -- timestamps
        {{ rfc3339_timestamp("source.record ->> '$.created'") }} as created_at,
        source.modified_at,
        source._loaded_at as loaded_at

    from source
)

select * from renamed
