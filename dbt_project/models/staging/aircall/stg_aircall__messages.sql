{# grain: one row per Aircall message (its latest webhook event) #}
{#- The raw record is the event envelope (source_apis.md §3.8 working shape); the body is
    PII and no KPI reads it, so it is not carried past raw. -#}
with

source as (
    select * from {{ source('aircall', 'messages') }}
),

renamed as (
    select
        -- ids
        cast(source.id as varchar) as message_id,
        nullif(trim(source.record ->> '$.data.number.id'), '') as number_id,
        -- `user` is the agent who sent it: null for inbound and automated messages.
        nullif(trim(source.record ->> '$.data.user.id'), '') as user_id,

        -- strings (numbers stay as printed; int_phone_numbers_normalised parses them)
        source.record ->> '$.event' as event_name,
        lower(source.record ->> '$.data.direction') as direction,
        lower(source.record ->> '$.data.status') as message_status,
        -- A missing or unknown channel is SMS unless the address says WhatsApp.
        case
            when lower(source.record ->> '$.data.channel') = 'whatsapp' then 'whatsapp'
            when starts_with(lower(trim(source.record ->> '$.data.external_number')), 'whatsapp:') then 'whatsapp'
            else 'sms'
        end as channel,
        nullif(regexp_replace(trim(source.record ->> '$.data.external_number'), '^whatsapp:', '', 'i'), '')
            as customer_number_raw,
        nullif(trim(source.record ->> '$.data.number.digits'), '') as line_digits_raw,
        nullif(trim(source.record ->> '$.data.user.email'), '') as user_email,

        -- timestamps
        cast(source.record ->> '$.data.created_at' as timestamptz) as sent_at,
        source._loaded_at as loaded_at

    from source
    -- No delete exists for messages; a row marked gone (e.g. by a resync) is not a message.
    where source._deleted_at is null
)

select * from renamed
