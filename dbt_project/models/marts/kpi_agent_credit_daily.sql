{# grain: one row per date x channel x agent_id x credit_role #}
with

fct_opportunity_agent_credits as (
    select * from {{ ref('fct_opportunity_agent_credits') }}
),

fct_opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

dim_agents as (
    select * from {{ ref('dim_agents') }}
),

credits as (
    select
        fct_opportunity_agent_credits.credit_role,
        fct_opportunity_agent_credits.agent_id,
        fct_opportunity_agent_credits.credit_share,
        fct_opportunities.channel_group,
        fct_opportunities.channel,
        fct_opportunities.channel_label,
        fct_opportunities.created_date,
        fct_opportunities.closed_date,
        fct_opportunities.is_won,
        fct_opportunities.revenue
    from fct_opportunity_agent_credits
    inner join fct_opportunities
        on fct_opportunity_agent_credits.deal_id = fct_opportunities.deal_id
),

created_events as (
    -- Each deal counts in full on every (role, agent) row; lost deals only here.
    select
        credits.created_date as date,
        credits.channel_group,
        credits.channel,
        credits.channel_label,
        credits.agent_id,
        credits.credit_role,
        1 as opportunities_created,
        0 as opportunities_won,
        cast(0 as decimal(18, 2)) as revenue_won,
        cast(0 as decimal(38, 12)) as credited_opportunities_won,
        cast(0 as decimal(38, 12)) as credited_revenue_won
    from credits
),

won_events as (
    -- Only credited_* are multiplied by the credit share.
    select
        credits.closed_date as date,
        credits.channel_group,
        credits.channel,
        credits.channel_label,
        credits.agent_id,
        credits.credit_role,
        0 as opportunities_created,
        1 as opportunities_won,
        credits.revenue as revenue_won,
        cast(credits.credit_share as decimal(38, 12)) as credited_opportunities_won,
        cast(cast(credits.revenue as decimal(38, 2)) * credits.credit_share as decimal(38, 12)) as credited_revenue_won
    from credits
    where credits.is_won
        and credits.closed_date is not null
),

unioned as (
    select * from created_events
    union all
    select * from won_events
),

aggregated as (
    select
        unioned.date,
        unioned.channel_group,
        unioned.channel,
        unioned.channel_label,
        unioned.agent_id,
        unioned.credit_role,
        sum(unioned.opportunities_created) as opportunities_created,
        sum(unioned.opportunities_won) as opportunities_won,
        sum(unioned.revenue_won) as revenue_won,
        sum(unioned.credited_opportunities_won) as credited_opportunities_won,
        sum(unioned.credited_revenue_won) as credited_revenue_won
    from unioned
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
        aggregated.credit_role,
        cast(aggregated.opportunities_created as bigint) as opportunities_created,
        cast(aggregated.opportunities_won as bigint) as opportunities_won,
        cast(aggregated.revenue_won as decimal(18, 2)) as revenue_won,
        -- 1/N shares keep 12 decimals so per-role sums stay exact to the cent.
        cast(aggregated.credited_opportunities_won as decimal(38, 12)) as credited_opportunities_won,
        cast(aggregated.credited_revenue_won as decimal(38, 12)) as credited_revenue_won
    from aggregated
    left join dim_agents
        on aggregated.agent_id = dim_agents.agent_id
    order by
        aggregated.date,
        aggregated.channel,
        aggregated.agent_id,
        aggregated.credit_role
)

select * from final
