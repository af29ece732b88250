{# grain: one row per message of a live Twilio conversation, in the messaging seam's shape #}
{#- Twilio reading of kpis.md "Messaging rules": the customer is the participant bound to a
    phone address; the channel is that binding's type, else its `whatsapp:` prefix; a
    conversation without a phone binding is web chat, whose business endpoint is the chat
    service. Every other author is staff: an agent when its identity maps to one by e-mail,
    else automation (`system` for REST sends), decided in int_messages_threaded. -#}
with

stg_twilio__conversations as (
    select * from {{ ref('stg_twilio__conversations') }}
),

stg_twilio__participants as (
    select * from {{ ref('stg_twilio__participants') }}
),

stg_twilio__messages as (
    select * from {{ ref('stg_twilio__messages') }}
),

phone_customers as (
    select *
    from stg_twilio__participants
    where stg_twilio__participants.binding_address is not null
    qualify row_number() over (
            partition by stg_twilio__participants.conversation_id
            order by stg_twilio__participants.created_at, stg_twilio__participants.participant_id
        ) = 1
),

chat_customers as (
    -- Web chat: the widget opens the conversation for the visitor, who joins first.
    select *
    from stg_twilio__participants
    where stg_twilio__participants.identity is not null
    qualify row_number() over (
            partition by stg_twilio__participants.conversation_id
            order by stg_twilio__participants.created_at, stg_twilio__participants.participant_id
        ) = 1
),

conversations as (
    select
        stg_twilio__conversations.conversation_id,
        stg_twilio__conversations.chat_service_sid,
        coalesce(phone_customers.participant_id, chat_customers.participant_id) as customer_participant_id,
        coalesce(phone_customers.binding_address, chat_customers.identity) as customer_author,
        regexp_replace(phone_customers.binding_address, '^whatsapp:', '', 'i') as customer_number_raw,
        regexp_replace(phone_customers.binding_proxy_address, '^whatsapp:', '', 'i') as business_number_raw,
        case
            when phone_customers.participant_id is null then 'web_chat'
            when phone_customers.binding_type = 'whatsapp' then 'whatsapp'
            when starts_with(lower(phone_customers.binding_address), 'whatsapp:') then 'whatsapp'
            else 'sms'
        end as channel
    from stg_twilio__conversations
    left join phone_customers
        on stg_twilio__conversations.conversation_id = phone_customers.conversation_id
    left join chat_customers
        on stg_twilio__conversations.conversation_id = chat_customers.conversation_id
    where not stg_twilio__conversations.is_deleted
),

messages as (
    select
        -- ids
        'twilio' as source_system,
        stg_twilio__messages.message_id,
        conversations.conversation_id as source_conversation_id,

        -- strings
        conversations.channel,
        conversations.business_number_raw,
        case when conversations.channel = 'web_chat' then conversations.chat_service_sid end as chat_service_id,
        conversations.customer_number_raw,
        case
            when stg_twilio__messages.participant_id = conversations.customer_participant_id then 'customer'
            when stg_twilio__messages.author = conversations.customer_author then 'customer'
            else 'staff'
        end as author_role,
        stg_twilio__messages.author as author_email,
        cast(null as varchar) as author_telephony_user_id,

        -- numerics
        stg_twilio__messages.message_index as message_order,

        -- timestamps
        stg_twilio__messages.sent_at,
        stg_twilio__messages.loaded_at
    from stg_twilio__messages
    inner join conversations
        on stg_twilio__messages.conversation_id = conversations.conversation_id
    where not stg_twilio__messages.is_deleted
)

select * from messages
