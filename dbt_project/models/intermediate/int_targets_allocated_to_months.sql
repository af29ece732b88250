{# grain: one row per target source row x reporting-zone month it covers #}
with

int_crm_targets_unioned as (
    select * from {{ ref('int_crm_targets_unioned') }}
),

sales_targets as (
    select * from {{ ref('sales_targets') }}
),

int_agent_identities_mapped as (
    select * from {{ ref('int_agent_identities_mapped') }}
),

goals as (
    select *
    from int_crm_targets_unioned
    where not int_crm_targets_unioned.is_archived
        and int_crm_targets_unioned.target_amount is not null
        and int_crm_targets_unioned.starts_at is not null
        and int_crm_targets_unioned.ends_at is not null
),

goals_with_agent as (
    -- The assignee is a CRM user id (an owner's user id); an owner id is the fallback.
    select
        goals.target_id,
        goals.target_amount,
        coalesce(user_agents.agent_id, owner_agents.agent_id) as agent_id,
        {{ reporting_month('goals.starts_at') }} as first_month,
        {{ reporting_month('goals.ends_at') }} as last_month
    from goals
    left join int_agent_identities_mapped as user_agents
        on user_agents.identity_kind = 'crm_user'
            and goals.crm_user_id = user_agents.source_id
    left join int_agent_identities_mapped as owner_agents
        on owner_agents.identity_kind = 'crm_owner'
            and goals.owner_id = owner_agents.source_id
),

goal_months as (
    -- A goal covers the local months from its local start to its local end,
    -- split evenly across them.
    select
        'goal:' || goals_with_agent.target_id as target_source_id,
        goals_with_agent.agent_id,
        cast(
            unnest(generate_series(goals_with_agent.first_month, goals_with_agent.last_month, interval 1 month)) as date
        )
            as month,
        cast(goals_with_agent.target_amount as decimal(38, 10))
        / cast(date_diff('month', goals_with_agent.first_month, goals_with_agent.last_month) + 1 as decimal(38, 10))
            as target_amount
    from goals_with_agent
    where goals_with_agent.agent_id is not null
        and goals_with_agent.last_month >= goals_with_agent.first_month
),

seed_months as (
    -- The sales team's seed is used only when no CRM has goals at all: it is
    -- the target source of a CRM without goal objects (kpis.md "targets").
    select
        'seed:' || lower(trim(sales_targets.agent_email)) || ':' || cast(sales_targets.month as varchar)
            as target_source_id,
        {{ agent_id('sales_targets.agent_email', 'sales_targets.agent_email') }} as agent_id,
        cast(date_trunc('month', sales_targets.month) as date) as month,
        sales_targets.target_amount
    from sales_targets
    where not exists (select 1 from goals)
),

unioned as (
    select * from goal_months
    union all
    select * from seed_months
),

rounded as (
    select
        unioned.target_source_id,
        unioned.agent_id,
        unioned.month,
        -- Kept unrounded: kpi_targets_monthly rounds once per agent-month.
        cast(unioned.target_amount as decimal(38, 10)) as target_amount
    from unioned
)

select * from rounded
