{# Shown in Dagster as a check on dim_agents (a singular test with several inputs
   needs one named). #}
{{ config(meta={'dagster': {'ref': {'name': 'dim_agents'}}}) }}

-- kpis.md invariant: every agent_id of every export exists in the agent dimension.
with

export_agent_ids as (
    select
        'kpi_sales_daily.agent_id' as export_column,
        kpi_sales_daily.agent_id
    from {{ ref('kpi_sales_daily') }} as kpi_sales_daily
    union all
    select
        'kpi_agent_credit_daily.agent_id' as export_column,
        kpi_agent_credit_daily.agent_id
    from {{ ref('kpi_agent_credit_daily') }} as kpi_agent_credit_daily
    union all
    select
        'kpi_targets_monthly.agent_id' as export_column,
        kpi_targets_monthly.agent_id
    from {{ ref('kpi_targets_monthly') }} as kpi_targets_monthly
    union all
    select
        'kpi_customers.acquisition_agent_id' as export_column,
        kpi_customers.acquisition_agent_id as agent_id
    from {{ ref('kpi_customers') }} as kpi_customers
    union all
    select
        'kpi_customers.owner_agent_id' as export_column,
        kpi_customers.owner_agent_id as agent_id
    from {{ ref('kpi_customers') }} as kpi_customers
    union all
    select
        'kpi_leads_daily.agent_id' as export_column,
        kpi_leads_daily.agent_id
    from {{ ref('kpi_leads_daily') }} as kpi_leads_daily
    union all
    select
        'kpi_calls_daily.agent_id' as export_column,
        kpi_calls_daily.agent_id
    from {{ ref('kpi_calls_daily') }} as kpi_calls_daily
    union all
    select
        'kpi_conversations_daily.agent_id' as export_column,
        kpi_conversations_daily.agent_id
    from {{ ref('kpi_conversations_daily') }} as kpi_conversations_daily
),

dim_agents as (
    select * from {{ ref('dim_agents') }}
),

missing as (
    select export_agent_ids.*
    from export_agent_ids
    left join dim_agents
        on export_agent_ids.agent_id = dim_agents.agent_id
    where dim_agents.agent_id is null
)

select * from missing
