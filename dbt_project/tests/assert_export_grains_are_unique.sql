{# Shown in Dagster as a check on kpi_sales_daily (a singular test with several inputs
   needs one named). #}
{{ config(meta={'dagster': {'ref': {'name': 'kpi_sales_daily'}}}) }}

-- kpis.md invariant: every export's grain columns are unique.
with

duplicates as (
    select
        'kpi_sales_daily' as export_name,
        count(*) as rows_in_grain
    from {{ ref('kpi_sales_daily') }} as kpi_sales_daily
    group by kpi_sales_daily.date, kpi_sales_daily.pipeline, kpi_sales_daily.channel, kpi_sales_daily.agent_id
    having count(*) > 1
    union all
    select
        'kpi_agent_credit_daily' as export_name,
        count(*) as rows_in_grain
    from {{ ref('kpi_agent_credit_daily') }} as kpi_agent_credit_daily
    group by
        kpi_agent_credit_daily.date, kpi_agent_credit_daily.channel,
        kpi_agent_credit_daily.agent_id, kpi_agent_credit_daily.credit_role
    having count(*) > 1
    union all
    select
        'kpi_targets_monthly' as export_name,
        count(*) as rows_in_grain
    from {{ ref('kpi_targets_monthly') }} as kpi_targets_monthly
    group by kpi_targets_monthly.month, kpi_targets_monthly.agent_id
    having count(*) > 1
    union all
    select
        'kpi_customers' as export_name,
        count(*) as rows_in_grain
    from {{ ref('kpi_customers') }} as kpi_customers
    group by kpi_customers.customer_key
    having count(*) > 1
    union all
    select
        'kpi_retention_monthly' as export_name,
        count(*) as rows_in_grain
    from {{ ref('kpi_retention_monthly') }} as kpi_retention_monthly
    group by kpi_retention_monthly.month, kpi_retention_monthly.channel_group, kpi_retention_monthly.channel
    having count(*) > 1
    union all
    select
        'kpi_customer_cohorts' as export_name,
        count(*) as rows_in_grain
    from {{ ref('kpi_customer_cohorts') }} as kpi_customer_cohorts
    group by kpi_customer_cohorts.cohort_month, kpi_customer_cohorts.months_since_first_order
    having count(*) > 1
    union all
    select
        'kpi_leads_daily' as export_name,
        count(*) as rows_in_grain
    from {{ ref('kpi_leads_daily') }} as kpi_leads_daily
    group by kpi_leads_daily.date, kpi_leads_daily.channel, kpi_leads_daily.agent_id
    having count(*) > 1
    union all
    select
        'kpi_calls_daily' as export_name,
        count(*) as rows_in_grain
    from {{ ref('kpi_calls_daily') }} as kpi_calls_daily
    group by kpi_calls_daily.date, kpi_calls_daily.business_line, kpi_calls_daily.agent_id, kpi_calls_daily.direction
    having count(*) > 1
)

select * from duplicates
