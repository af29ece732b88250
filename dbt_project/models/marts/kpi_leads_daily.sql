{# grain: one row per lead creation date x channel x agent_id (first-touch agent) #}
with

dim_leads as (
    select * from {{ ref('dim_leads') }}
),

dim_agents as (
    select * from {{ ref('dim_agents') }}
),

aggregated as (
    select
        dim_leads.created_date as date,
        dim_leads.channel_group,
        dim_leads.channel,
        dim_leads.channel_label,
        dim_leads.first_touch_agent_id as agent_id,
        count(*) as leads_created,
        count(*) filter (where dim_leads.has_opportunity) as leads_with_opportunity,
        count(*) filter (where dim_leads.is_won) as leads_won,
        count(*) filter (where dim_leads.is_responded) as leads_responded,
        coalesce(sum(dim_leads.response_seconds) filter (where dim_leads.is_responded), 0) as response_seconds,
        -- The 5-minute limit is inclusive.
        count(*) filter (where dim_leads.is_responded and dim_leads.response_seconds <= 300)
            as leads_responded_within_5m
    from dim_leads
    group by all
),

final as (
    select
        aggregated.date,
        aggregated.channel_group,
        aggregated.channel,
        aggregated.channel_label,
        aggregated.agent_id,
        dim_agents.agent_name,
        dim_agents.team,
        cast(aggregated.leads_created as bigint) as leads_created,
        cast(aggregated.leads_with_opportunity as bigint) as leads_with_opportunity,
        cast(aggregated.leads_won as bigint) as leads_won,
        cast(aggregated.leads_responded as bigint) as leads_responded,
        cast(aggregated.response_seconds as bigint) as response_seconds,
        cast(aggregated.leads_responded_within_5m as bigint) as leads_responded_within_5m
    from aggregated
    left join dim_agents
        on aggregated.agent_id = dim_agents.agent_id
    order by aggregated.date, aggregated.channel, aggregated.agent_id
)

select * from final
