{# Shown in Dagster as a check on kpi_sales_daily (a singular test with several inputs
   needs one named). #}
{{ config(meta={'dagster': {'ref': {'name': 'kpi_sales_daily'}}}) }}

-- kpis.md invariant: every export's grain columns are unique.
{%- set export_grains = {
    'kpi_sales_daily': ['date', 'pipeline', 'channel', 'agent_id'],
    'kpi_agent_credit_daily': ['date', 'channel', 'agent_id', 'credit_role'],
    'kpi_targets_monthly': ['month', 'agent_id'],
    'kpi_customers': ['customer_key'],
    'kpi_retention_monthly': ['month', 'channel_group', 'channel'],
    'kpi_customer_cohorts': ['cohort_month', 'months_since_first_order'],
    'kpi_leads_daily': ['date', 'channel', 'agent_id'],
    'kpi_calls_daily': ['date', 'business_line', 'agent_id', 'direction'],
    'kpi_conversations_daily': ['date', 'business_line', 'channel', 'agent_id', 'direction'],
} %}

with

duplicates as (
    {%- for export_name, grain in export_grains.items() %}
        select
            '{{ export_name }}' as export_name,
            count(*) as rows_in_grain
        from {{ ref(export_name) }} as {{ export_name }}
        group by
        {%- for column in grain %}
                {{ export_name }}.{{ column }}{{ "," if not loop.last }}
        {%- endfor %}
        having count(*) > 1
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
)

select * from duplicates
