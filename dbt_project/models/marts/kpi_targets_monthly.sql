{# grain: one row per month x agent_id (every agent-month with a target or a won deal) #}
with

int_targets_allocated_to_months as (
    select * from {{ ref('int_targets_allocated_to_months') }}
),

fct_opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

dim_agents as (
    select * from {{ ref('dim_agents') }}
),

targets as (
    select
        int_targets_allocated_to_months.month,
        int_targets_allocated_to_months.agent_id,
        sum(int_targets_allocated_to_months.target_amount) as target_amount
    from int_targets_allocated_to_months
    group by all
),

won as (
    -- Won deals by local close month and owner, all pipelines.
    select
        {{ reporting_month('fct_opportunities.closed_at') }} as month,
        fct_opportunities.owner_agent_id as agent_id,
        sum(fct_opportunities.revenue) as revenue_won,
        count(*) as opportunities_won
    from fct_opportunities
    where fct_opportunities.is_won
        and fct_opportunities.closed_at is not null
    group by all
),

joined as (
    select
        coalesce(targets.month, won.month) as month,
        coalesce(targets.agent_id, won.agent_id) as agent_id,
        -- Split targets are summed unrounded, then rounded once per agent-month;
        -- targets_met compares with this shipped amount, as a report reader would.
        cast(round(coalesce(targets.target_amount, 0), 2) as decimal(18, 2)) as target_amount,
        case when targets.agent_id is not null then 1 else 0 end as targets_set,
        coalesce(won.revenue_won, 0) as revenue_won,
        coalesce(won.opportunities_won, 0) as opportunities_won
    from targets
    full outer join won
        on targets.month = won.month
            and targets.agent_id = won.agent_id
),

final as (
    select
        joined.month,
        joined.agent_id,
        dim_agents.agent_name,
        dim_agents.team,
        joined.target_amount,
        cast(joined.targets_set as bigint) as targets_set,
        cast(
            case when joined.targets_set = 1 and joined.revenue_won >= joined.target_amount then 1 else 0 end
            as bigint
        ) as targets_met,
        cast(joined.revenue_won as decimal(18, 2)) as revenue_won,
        cast(joined.opportunities_won as bigint) as opportunities_won
    from joined
    left join dim_agents
        on joined.agent_id = dim_agents.agent_id
    order by joined.month, joined.agent_id
)

select * from final
