{# grain: one row per message, with its conversation, author kind and agent #}
{#- kpis.md "Messaging rules". Authors: the customer; an agent when the author maps
    to one by the telephony user id the source gives, else by e-mail; automated
    otherwise (auto-replies, templates, bots), which never counts as a response.
    A source without conversations (webhooks) has its messages cut per customer
    number, business line and channel, a new conversation starting after more than
    24 hours without a message; its id is the source and the first message's id. -#}
with

int_messages_unioned as (
    select * from {{ ref('int_messages_unioned') }}
),

int_phone_numbers_normalised as (
    select * from {{ ref('int_phone_numbers_normalised') }}
),

int_agent_identities_mapped as (
    select * from {{ ref('int_agent_identities_mapped') }}
),

agents_by_email as (
    -- Agents are unified by e-mail, so one e-mail names one agent.
    select
        int_agent_identities_mapped.email_normalised,
        min(int_agent_identities_mapped.agent_id) as agent_id
    from int_agent_identities_mapped
    where int_agent_identities_mapped.email_normalised is not null
    group by int_agent_identities_mapped.email_normalised
),

messages_resolved as (
    select
        int_messages_unioned.*,
        customer_numbers.number_e164 as customer_number_e164,
        coalesce(line_numbers.number_e164, int_messages_unioned.chat_service_id) as business_line,
        case
            when int_messages_unioned.author_role = 'staff'
                then coalesce(agents_by_user.agent_id, agents_by_email.agent_id)
        end as author_agent_id
    from int_messages_unioned
    left join int_phone_numbers_normalised as customer_numbers
        on int_messages_unioned.customer_number_raw = customer_numbers.raw_number
    left join int_phone_numbers_normalised as line_numbers
        on int_messages_unioned.business_number_raw = line_numbers.raw_number
    left join int_agent_identities_mapped as agents_by_user
        on agents_by_user.identity_kind = 'telephony_user'
            and int_messages_unioned.author_telephony_user_id = agents_by_user.source_id
    left join agents_by_email
        on lower(trim(int_messages_unioned.author_email)) = agents_by_email.email_normalised
),

authored as (
    select
        messages_resolved.*,
        case
            when messages_resolved.author_role = 'customer' then 'customer'
            when messages_resolved.author_agent_id is not null then 'agent'
            else 'automated'
        end as author_kind,
        -- An unparsable number still keeps its own messages together.
        coalesce(messages_resolved.customer_number_e164, messages_resolved.customer_number_raw, '')
            as customer_key,
        coalesce(messages_resolved.business_line, messages_resolved.business_number_raw, '') as line_key
    from messages_resolved
),

gaps as (
    select
        authored.*,
        lag(authored.sent_at) over (
            partition by authored.source_system, authored.customer_key, authored.line_key, authored.channel
            order by authored.sent_at, authored.message_id
        ) as previous_sent_at
    from authored
    where authored.source_conversation_id is null
),

sessions as (
    select
        gaps.*,
        sum(
            case
                when gaps.previous_sent_at is null then 1
                when gaps.sent_at > gaps.previous_sent_at + interval 24 hours then 1
                else 0
            end
        ) over (
            partition by gaps.source_system, gaps.customer_key, gaps.line_key, gaps.channel
            order by gaps.sent_at, gaps.message_id
            rows between unbounded preceding and current row
        ) as session_number
    from gaps
),

sessionised as (
    select
        sessions.* exclude (sessions.previous_sent_at, sessions.session_number),
        sessions.source_system || ':' || first(sessions.message_id) over (
            partition by
                sessions.source_system, sessions.customer_key, sessions.line_key, sessions.channel,
                sessions.session_number
            order by sessions.sent_at, sessions.message_id
            rows between unbounded preceding and unbounded following
        ) as conversation_id
    from sessions
),

threaded as (
    select sessionised.*
    from sessionised
    union all
    select
        authored.*,
        authored.source_conversation_id as conversation_id
    from authored
    where authored.source_conversation_id is not null
),

positioned as (
    select
        -- ids
        threaded.conversation_id,
        threaded.message_id,
        threaded.source_system,
        case when threaded.author_kind = 'agent' then threaded.author_agent_id end as agent_id,

        -- strings
        threaded.channel,
        threaded.business_line,
        threaded.customer_number_e164,
        threaded.author_kind,

        -- numerics
        row_number() over (
            partition by threaded.conversation_id
            order by threaded.sent_at, threaded.message_order, threaded.message_id
        ) as message_position,

        -- timestamps
        threaded.sent_at,
        threaded.loaded_at
    from threaded
)

select * from positioned
