{# grain: one row per message conversation, of every messaging source #}
{#- kpis.md "Messaging rules" and export 9. A conversation starts at its first message;
    it is inbound when the customer wrote first. It is handled when an agent wrote in
    it, and its agent is the first agent author. An inbound conversation is replied
    when an agent wrote after the customer's first message; the reply time runs from
    that customer message to the agent's first message. Automated messages count as
    messages out and never as a reply. -#}
with

int_messages_threaded as (
    select * from {{ ref('int_messages_threaded') }}
),

int_messaging_lines_classified as (
    select * from {{ ref('int_messaging_lines_classified') }}
),

conversations as (
    select
        int_messages_threaded.conversation_id,
        any_value(int_messages_threaded.source_system) as source_system,
        -- Constant within a conversation: the source's thread, or the cut's partition.
        any_value(int_messages_threaded.channel) as message_channel,
        any_value(int_messages_threaded.business_line) as business_line,
        any_value(int_messages_threaded.customer_number_e164) as customer_number_e164,
        any_value(int_messages_threaded.author_kind) filter (
            where int_messages_threaded.message_position = 1
        ) as first_author_kind,
        arg_min(int_messages_threaded.agent_id, int_messages_threaded.message_position) filter (
            where int_messages_threaded.author_kind = 'agent'
        ) as first_agent_id,
        count(*) filter (where int_messages_threaded.author_kind = 'customer') as messages_in,
        count(*) filter (where int_messages_threaded.author_kind != 'customer') as messages_out,
        min(int_messages_threaded.sent_at) as started_at,
        min(int_messages_threaded.sent_at) filter (
            where int_messages_threaded.author_kind = 'customer'
        ) as first_customer_message_at,
        min(int_messages_threaded.sent_at) filter (
            where int_messages_threaded.author_kind = 'agent'
        ) as first_agent_message_at,
        max(int_messages_threaded.sent_at) as last_message_at,
        max(int_messages_threaded.loaded_at) as loaded_at
    from int_messages_threaded
    group by int_messages_threaded.conversation_id
),

resolved as (
    -- In an inbound conversation the customer's first message is the first one, so every
    -- agent message comes after it: the reply is the first agent message.
    select
        conversations.*,
        case when conversations.first_author_kind = 'customer' then 'inbound' else 'outbound' end as direction,
        case
            when conversations.first_author_kind = 'customer' then conversations.first_agent_message_at
        end as first_response_at
    from conversations
),

final as (
    select
        -- ids
        resolved.conversation_id,
        resolved.source_system,
        coalesce(resolved.first_agent_id, 'unassigned') as agent_id,

        -- business line and customer
        resolved.business_line,
        'messaging' as channel_group,
        coalesce(int_messaging_lines_classified.channel, resolved.message_channel) as channel,
        coalesce(
            int_messaging_lines_classified.channel_label, {{ channel_label('resolved.message_channel') }}
        ) as channel_label,
        resolved.message_channel,
        resolved.customer_number_e164,
        resolved.direction,

        -- outcome
        resolved.first_agent_id is not null as is_handled,
        resolved.first_response_at is not null as is_replied,
        case
            when resolved.first_response_at is not null
                then {{ epoch_seconds_between('resolved.first_customer_message_at', 'resolved.first_response_at') }}
        end as first_response_seconds,
        coalesce(
            {{ epoch_seconds_between('resolved.first_customer_message_at', 'resolved.first_response_at') }} <= 300,
            false
        ) as is_replied_within_5m,

        -- counts
        cast(resolved.messages_in as bigint) as messages_in,
        cast(resolved.messages_out as bigint) as messages_out,

        -- timestamps
        resolved.started_at,
        resolved.first_customer_message_at,
        resolved.first_agent_message_at,
        resolved.first_response_at,
        resolved.last_message_at,
        {{ reporting_date('resolved.started_at') }} as started_date,
        resolved.loaded_at
    from resolved
    left join int_messaging_lines_classified
        on resolved.business_line = int_messaging_lines_classified.business_line
            and resolved.message_channel = int_messaging_lines_classified.message_channel
)

select * from final
