{# grain: one row per Twilio message #}
{#- The body is PII and no KPI reads it: it is not carried past raw. -#}
with

source as (
    select * from {{ source('twilio', 'messages') }}
),

renamed as (
    select
        -- ids
        cast(source.id as varchar) as message_id,
        source.record ->> '$.conversation_sid' as conversation_id,
        nullif(trim(source.record ->> '$.participant_sid'), '') as participant_id,

        -- strings: an identity, a binding address, or `system` for REST sends
        nullif(trim(source.record ->> '$.author'), '') as author,

        -- numerics
        cast(source.record ->> '$.index' as bigint) as message_index,

        -- booleans
        source._deleted_at is not null as is_deleted,

        -- timestamps
        cast(source.record ->> '$.date_created' as timestamptz) as sent_at,
        source._loaded_at as loaded_at

    from source
)

select * from renamed
