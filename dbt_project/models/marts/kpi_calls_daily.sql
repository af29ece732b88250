{# grain: one row per date x business_line x agent_id x direction #}
with

fct_calls as (
    select * from {{ ref('fct_calls') }}
),

dim_agents as (
    select * from {{ ref('dim_agents') }}
),

aggregated as (
    -- The channel columns are the business line's, for outbound calls too.
    select
        fct_calls.started_date as date,
        fct_calls.channel_group,
        fct_calls.channel,
        fct_calls.channel_label,
        fct_calls.business_line,
        fct_calls.agent_id,
        fct_calls.direction,
        count(*) as calls,
        count(*) filter (where fct_calls.is_answered) as answered_calls,
        count(*) filter (where fct_calls.is_missed) as missed_calls,
        count(*) filter (where fct_calls.is_missed and fct_calls.is_missed_out_of_hours) as missed_out_of_hours,
        count(*) filter (where fct_calls.has_voicemail) as voicemails,
        coalesce(sum(fct_calls.talk_seconds), 0) as talk_seconds,
        coalesce(sum(fct_calls.wait_seconds), 0) as wait_seconds,
        count(*) filter (where fct_calls.is_missed_called_back_1h) as missed_called_back_1h,
        count(*) filter (where fct_calls.is_missed_called_back_24h) as missed_called_back_24h
    from fct_calls
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
        cast(aggregated.calls as bigint) as calls,
        cast(aggregated.answered_calls as bigint) as answered_calls,
        cast(aggregated.missed_calls as bigint) as missed_calls,
        cast(aggregated.missed_out_of_hours as bigint) as missed_out_of_hours,
        cast(aggregated.voicemails as bigint) as voicemails,
        cast(aggregated.talk_seconds as bigint) as talk_seconds,
        cast(aggregated.wait_seconds as bigint) as wait_seconds,
        cast(aggregated.missed_called_back_1h as bigint) as missed_called_back_1h,
        cast(aggregated.missed_called_back_24h as bigint) as missed_called_back_24h
    from aggregated
    left join dim_agents
        on aggregated.agent_id = dim_agents.agent_id
    order by aggregated.date, aggregated.business_line, aggregated.agent_id, aggregated.direction
)

select * from final
