{# Shown in Dagster as a check on kpi_agent_credit_daily (a singular test with several inputs
   needs one named). #}
{{ config(meta={'dagster': {'ref': {'name': 'kpi_agent_credit_daily'}}}) }}

-- kpis.md invariant: for each role, SUM(credited_revenue_won) over kpi_agent_credit_daily =
-- total revenue won of the deals that have at least one agent in that role. 1/N shares are
-- rounded to 12 decimals, so a sub-cent tolerance applies.
with

exported as (
    select
        kpi_agent_credit_daily.credit_role,
        sum(kpi_agent_credit_daily.credited_revenue_won) as credited_revenue_won
    from {{ ref('kpi_agent_credit_daily') }} as kpi_agent_credit_daily
    group by kpi_agent_credit_daily.credit_role
),

deals_per_role as (
    select distinct
        fct_opportunity_agent_credits.credit_role,
        fct_opportunity_agent_credits.deal_id
    from {{ ref('fct_opportunity_agent_credits') }} as fct_opportunity_agent_credits
),

expected as (
    select
        deals_per_role.credit_role,
        sum(fct_opportunities.revenue) as revenue_won
    from deals_per_role
    inner join {{ ref('fct_opportunities') }} as fct_opportunities
        on deals_per_role.deal_id = fct_opportunities.deal_id
    where fct_opportunities.is_won
    group by deals_per_role.credit_role
),

compared as (
    select
        coalesce(expected.credit_role, exported.credit_role) as credit_role,
        coalesce(exported.credited_revenue_won, 0) as credited_revenue_won,
        coalesce(expected.revenue_won, 0) as revenue_won
    from expected
    full outer join exported
        on expected.credit_role = exported.credit_role
)

select *
from compared
where abs(compared.credited_revenue_won - compared.revenue_won) >= 0.005
