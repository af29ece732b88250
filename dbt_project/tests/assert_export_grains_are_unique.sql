-- kpis.md invariant: every export's grain columns are unique.
with

duplicates as (
    select 'kpi_sales_daily' as export_name, count(*) as rows_in_grain
    from {{ ref('kpi_sales_daily') }}
    group by date, pipeline, channel, agent_id
    having count(*) > 1
    union all
    select 'kpi_agent_credit_daily', count(*)
    from {{ ref('kpi_agent_credit_daily') }}
    group by date, channel, agent_id, credit_role
    having count(*) > 1
    union all
    select 'kpi_targets_monthly', count(*)
    from {{ ref('kpi_targets_monthly') }}
    group by month, agent_id
    having count(*) > 1
    union all
    select 'kpi_customers', count(*)
    from {{ ref('kpi_customers') }}
    group by customer_key
    having count(*) > 1
    union all
    select 'kpi_retention_monthly', count(*)
    from {{ ref('kpi_retention_monthly') }}
    group by month, channel_group, channel
    having count(*) > 1
    union all
    select 'kpi_customer_cohorts', count(*)
    from {{ ref('kpi_customer_cohorts') }}
    group by cohort_month, months_since_first_order
    having count(*) > 1
    union all
    select 'kpi_leads_daily', count(*)
    from {{ ref('kpi_leads_daily') }}
    group by date, channel, agent_id
    having count(*) > 1
    union all
    select 'kpi_calls_daily', count(*)
    from {{ ref('kpi_calls_daily') }}
    group by date, business_line, agent_id, direction
    having count(*) > 1
)

select * from duplicates
