{# grain: one row per Twilio participant #}
with

source as (
    select * from {{ source('twilio', 'participants') }}
),

renamed as (
    select
        -- ids
        cast(source.id as varchar) as participant_id,
        source.record ->> '$.conversation_sid' as conversation_id,

        -- strings: a chat user has an identity, a phone user a messaging binding
        nullif(trim(source.record ->> '$.identity'), '') as identity,
        lower(nullif(trim(source.record ->> '$.messaging_binding.type'), '')) as binding_type,
        nullif(trim(source.record ->> '$.messaging_binding.address'), '') as binding_address,
        nullif(trim(source.record ->> '$.messaging_binding.proxy_address'), '') as binding_proxy_address,

        -- timestamps
        cast(source.record ->> '$.date_created' as timestamptz) as created_at,
        source._loaded_at as loaded_at

    from source
)

select * from renamed
