{# grain: one row per Pipedrive deal (deleted and archived ones flagged, not dropped) #}
{#- Ids are prefixed `pipedrive:` so they never collide with another CRM's
    (kpis.md "customer key input"); the columns are those of int_crm_deals_unioned
    plus the person and origin the person seams read. -#}
with

source as (
    select * from {{ source('pipedrive', 'deals') }}
),

renamed as (
    select
        -- ids
        'pipedrive:' || cast(source.id as varchar) as deal_id,
        'pipedrive:' || nullif(trim(source.record ->> '$.owner_id'), '') as owner_id,
        'pipedrive:' || nullif(trim(source.record ->> '$.pipeline_id'), '') as pipeline_id,
        'pipedrive:' || nullif(trim(source.record ->> '$.stage_id'), '') as deal_stage_id,
        'pipedrive:' || nullif(trim(source.record ->> '$.person_id'), '') as person_id,

        -- strings
        source.record ->> '$.title' as deal_name,
        upper(nullif(trim(source.record ->> '$.currency'), '')) as currency_code,
        -- Pipedrive states the outcome on the deal, not in the stage (kpis.md "won / lost").
        lower(nullif(trim(source.record ->> '$.status'), '')) as deal_status,
        nullif(trim(source.record ->> '$.origin'), '') as origin,

        -- numerics: Pipedrive has no home-currency amount, only `value` in `currency`
        cast(nullif(trim(source.record ->> '$.value'), '') as decimal(38, 6)) as amount,
        cast(null as decimal(38, 6)) as amount_in_home_currency,

        -- booleans: deleted, listed under status=deleted, or archived all mean
        -- deleted (kpis.md); the raw flag is the connector's reading of the same.
        source.is_archived
        or coalesce(cast(source.record ->> '$.is_deleted' as boolean), false)
        or coalesce(cast(source.record ->> '$.is_archived' as boolean), false)
        or coalesce(lower(source.record ->> '$.status') = 'deleted', false) as is_archived,

        -- timestamps: the close time is the outcome's own time, else close_time
        {{ rfc3339_timestamp("source.record ->> '$.add_time'") }} as created_at,
        coalesce(
            case lower(source.record ->> '$.status')
                when 'won' then {{ rfc3339_timestamp("source.record ->> '$.won_time'") }}
                when 'lost' then {{ rfc3339_timestamp("source.record ->> '$.lost_time'") }}
            end,
            {{ rfc3339_timestamp("source.record ->> '$.close_time'") }}
        ) as close_date_at,
        source.modified_at,
        source._loaded_at as loaded_at,
        -- set when the pipeline found the id gone at the vendor (architecture.md)
        source._deleted_at as deleted_at

    from source
)

select * from renamed
