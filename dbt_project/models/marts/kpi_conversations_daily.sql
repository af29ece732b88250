{# grain: one row per date x business_line x channel x agent_id x direction #}
with

int_conversations_unioned as (
    select * from {{ ref('int_conversations_unioned') }}
),

channel_mapping as (
    select * from {{ ref('channel_mapping') }}
),

dim_agents as (
    select * from {{ ref('dim_agents') }}
),

conversations_classified as (
    -- The seed may rename a messaging line's channel, as for phone lines; the
    -- group stays messaging. Replies count for inbound conversations only.
    select
        int_conversations_unioned.*,
        {{ reporting_date('int_conversations_unioned.started_at') }} as date,
        coalesce(channel_mapping.channel, int_conversations_unioned.channel) as mapped_channel,
        coalesce(
            channel_mapping.channel_label,
            {{ channel_label('int_conversations_unioned.channel') }}
        ) as channel_label,
        coalesce(int_conversations_unioned.agent_id, 'unassigned') as credited_agent_id,
        case
            when
                int_conversations_unioned.direction = 'inbound'
                and int_conversations_unioned.first_agent_response_at is not null
                then {{ epoch_seconds_between(
                    'int_conversations_unioned.first_customer_message_at',
                    'int_conversations_unioned.first_agent_response_at'
                ) }}
        end as first_response_seconds
    from int_conversations_unioned
    left join channel_mapping
        on int_conversations_unioned.business_line = trim(channel_mapping.business_line)
),

aggregated as (
    select
        conversations_classified.date,
        conversations_classified.mapped_channel as channel,
        conversations_classified.channel_label,
        conversations_classified.business_line,
        conversations_classified.credited_agent_id as agent_id,
        conversations_classified.direction,
        count(*) as conversations,
        count(conversations_classified.first_response_seconds) as replied_conversations,
        coalesce(sum(conversations_classified.first_response_seconds), 0) as first_response_seconds,
        count(*) filter (
            where conversations_classified.first_response_seconds <= 300
        ) as replied_within_5m,
        coalesce(sum(conversations_classified.messages_in), 0) as messages_in,
        coalesce(sum(conversations_classified.messages_out), 0) as messages_out
    from conversations_classified
    group by all
),

final as (
    select
        aggregated.date,
        'messaging' as channel_group,
        aggregated.channel,
        aggregated.channel_label,
        aggregated.business_line,
        aggregated.agent_id,
        dim_agents.agent_name,
        dim_agents.team,
        aggregated.direction,
        cast(aggregated.conversations as bigint) as conversations,
        cast(aggregated.replied_conversations as bigint) as replied_conversations,
        cast(aggregated.first_response_seconds as bigint) as first_response_seconds,
        cast(aggregated.replied_within_5m as bigint) as replied_within_5m,
        cast(aggregated.messages_in as bigint) as messages_in,
        cast(aggregated.messages_out as bigint) as messages_out
    from aggregated
    left join dim_agents
        on aggregated.agent_id = dim_agents.agent_id
    order by
        aggregated.date,
        aggregated.business_line,
        aggregated.channel,
        aggregated.agent_id,
        aggregated.direction
)

select * from final
