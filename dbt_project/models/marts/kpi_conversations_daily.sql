{# grain: one row per date x business_line x channel x agent_id x direction #}
{#- kpis.md export 9: messaging only (calls stay in kpi_calls_daily). The rules of
    a reply live in fct_conversations; replies count for inbound conversations only. -#}
with

fct_conversations as (
    select * from {{ ref('fct_conversations') }}
),

dim_agents as (
    select * from {{ ref('dim_agents') }}
),

aggregated as (
    select
        fct_conversations.started_date as date,
        fct_conversations.channel_group,
        fct_conversations.channel,
        fct_conversations.channel_label,
        fct_conversations.business_line,
        fct_conversations.agent_id,
        fct_conversations.direction,
        count(*) as conversations,
        count(*) filter (where fct_conversations.is_replied) as replied_conversations,
        coalesce(sum(fct_conversations.first_response_seconds), 0) as first_response_seconds,
        count(*) filter (where fct_conversations.is_replied_within_5m) as replied_within_5m,
        coalesce(sum(fct_conversations.messages_in), 0) as messages_in,
        coalesce(sum(fct_conversations.messages_out), 0) as messages_out
    from fct_conversations
    group by all
),

final as (
    select
        aggregated.date,
        aggregated.channel_group,
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
