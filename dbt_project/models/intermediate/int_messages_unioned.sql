{{ config(materialized='view') }}
{# grain: one row per message, of every messaging source #}
{#- Seam: one `union all` branch per messaging source, the only model after staging
    that may name one. Sources with their own conversation object give its id in
    `source_conversation_id`; sources that only deliver messages (webhooks) leave it
    null and int_messages_threaded cuts their conversations. With no messaging source
    every branch is empty, so kpi_conversations_daily is published with its header. -#}
with

stg_twilio__conversation_messages as (
    select * from {{ ref('stg_twilio__conversation_messages') }}
),

stg_aircall__messages as (
    select * from {{ ref('stg_aircall__messages') }}
),

stg_aircall__numbers as (
    select * from {{ ref('stg_aircall__numbers') }}
),

twilio_messages as (
    select
        stg_twilio__conversation_messages.source_system,
        stg_twilio__conversation_messages.message_id,
        stg_twilio__conversation_messages.source_conversation_id,
        stg_twilio__conversation_messages.channel,
        stg_twilio__conversation_messages.business_number_raw,
        stg_twilio__conversation_messages.chat_service_id,
        stg_twilio__conversation_messages.customer_number_raw,
        stg_twilio__conversation_messages.author_role,
        stg_twilio__conversation_messages.author_email,
        stg_twilio__conversation_messages.author_telephony_user_id,
        stg_twilio__conversation_messages.message_order,
        stg_twilio__conversation_messages.sent_at,
        stg_twilio__conversation_messages.loaded_at
    from stg_twilio__conversation_messages
),

aircall_messages as (
    -- Aircall names the agent who sent an outbound message by its telephony user;
    -- an outbound message without one is an auto-reply or an automated template.
    select
        'aircall' as source_system,
        stg_aircall__messages.message_id,
        cast(null as varchar) as source_conversation_id,
        stg_aircall__messages.channel,
        -- The line the message names, else the numbers list's digits for its number id.
        coalesce(stg_aircall__messages.line_digits_raw, stg_aircall__numbers.line_digits_raw) as business_number_raw,
        cast(null as varchar) as chat_service_id,
        stg_aircall__messages.customer_number_raw,
        case when stg_aircall__messages.direction = 'inbound' then 'customer' else 'staff' end as author_role,
        stg_aircall__messages.user_email as author_email,
        stg_aircall__messages.user_id as author_telephony_user_id,
        cast(null as bigint) as message_order,
        stg_aircall__messages.sent_at,
        stg_aircall__messages.loaded_at
    from stg_aircall__messages
    left join stg_aircall__numbers
        on stg_aircall__messages.number_id = stg_aircall__numbers.number_id
),

unioned as (
    select * from twilio_messages
    union all
    select * from aircall_messages
)

select * from unioned
