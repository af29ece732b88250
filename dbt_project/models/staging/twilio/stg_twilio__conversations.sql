{# grain: one row per Twilio conversation (deleted ones flagged) #}
with

source as (
    select * from {{ source('twilio', 'conversations') }}
),

renamed as (
    select
        -- ids
        cast(source.id as varchar) as conversation_id,
        nullif(trim(source.record ->> '$.chat_service_sid'), '') as chat_service_sid,

        -- strings
        source.record ->> '$.state' as conversation_state,

        -- booleans
        -- A conversation deleted at Twilio is gone with its messages (no tombstone).
        source._deleted_at is not null as is_deleted,

        -- timestamps
        cast(source.record ->> '$.date_created' as timestamptz) as created_at,
        cast(source.record ->> '$.date_updated' as timestamptz) as updated_at,
        source._loaded_at as loaded_at

    from source
)

select * from renamed
