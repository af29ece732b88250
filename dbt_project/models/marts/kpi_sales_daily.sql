{# grain: one row per date x pipeline x channel x agent_id (deal owner) #}
with

fct_opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

dim_agents as (
    select * from {{ ref('dim_agents') }}
),

created_events as (
    -- Created and cohort measures count deals by their create date; the cohort
    -- is those created that day that are won as of the run.
    select
        fct_opportunities.created_date as date,
        fct_opportunities.pipeline,
        fct_opportunities.channel_group,
        fct_opportunities.channel,
        fct_opportunities.channel_label,
        fct_opportunities.owner_agent_id as agent_id,
        1 as opportunities_created,
        0 as opportunities_won,
        0 as opportunities_lost,
        cast(0 as decimal(18, 2)) as revenue_won,
        case when fct_opportunities.is_won then 1 else 0 end as cohort_opportunities_won,
        case when fct_opportunities.is_won then fct_opportunities.revenue else 0 end as cohort_revenue_won
    from fct_opportunities
),

closed_events as (
    -- Won, lost and revenue count deals by their close date (a closed deal
    -- without a CRM close date has no close day to count on).
    select
        fct_opportunities.closed_date as date,
        fct_opportunities.pipeline,
        fct_opportunities.channel_group,
        fct_opportunities.channel,
        fct_opportunities.channel_label,
        fct_opportunities.owner_agent_id as agent_id,
        0 as opportunities_created,
        case when fct_opportunities.is_won then 1 else 0 end as opportunities_won,
        case when fct_opportunities.is_lost then 1 else 0 end as opportunities_lost,
        case when fct_opportunities.is_won then fct_opportunities.revenue else 0 end as revenue_won,
        0 as cohort_opportunities_won,
        cast(0 as decimal(18, 2)) as cohort_revenue_won
    from fct_opportunities
    where fct_opportunities.is_closed
        and fct_opportunities.closed_at is not null
),

unioned as (
    select * from created_events
    union all
    select * from closed_events
),

aggregated as (
    select
        unioned.date,
        unioned.pipeline,
        unioned.channel_group,
        unioned.channel,
        unioned.channel_label,
        unioned.agent_id,
        sum(unioned.opportunities_created) as opportunities_created,
        sum(unioned.opportunities_won) as opportunities_won,
        sum(unioned.opportunities_lost) as opportunities_lost,
        sum(unioned.revenue_won) as revenue_won,
        sum(unioned.cohort_opportunities_won) as cohort_opportunities_won,
        sum(unioned.cohort_revenue_won) as cohort_revenue_won
    from unioned
    group by all
),

final as (
    select
        aggregated.date,
        aggregated.pipeline,
        aggregated.channel_group,
        aggregated.channel,
        aggregated.channel_label,
        aggregated.agent_id,
        dim_agents.agent_name,
        dim_agents.team,
        cast(aggregated.opportunities_created as bigint) as opportunities_created,
        cast(aggregated.opportunities_won as bigint) as opportunities_won,
        cast(aggregated.opportunities_lost as bigint) as opportunities_lost,
        cast(aggregated.revenue_won as decimal(18, 2)) as revenue_won,
        cast(aggregated.cohort_opportunities_won as bigint) as cohort_opportunities_won,
        cast(aggregated.cohort_revenue_won as decimal(18, 2)) as cohort_revenue_won
    from aggregated
    left join dim_agents
        on aggregated.agent_id = dim_agents.agent_id
    order by
        aggregated.date,
        aggregated.pipeline,
        aggregated.channel,
        aggregated.agent_id
)

select * from final
