{# Shown in Dagster as a check on kpi_sales_daily (a singular test with several inputs
   needs one named). #}
{{ config(meta={'dagster': {'ref': {'name': 'kpi_sales_daily'}}}) }}

-- kpis.md invariants: SUM(opportunities_won) over kpi_sales_daily = won deals, and
-- SUM(revenue_won) = their total amount in the reporting currency.
with

exported as (
    select
        coalesce(sum(kpi_sales_daily.opportunities_won), 0) as opportunities_won,
        coalesce(sum(kpi_sales_daily.revenue_won), 0) as revenue_won
    from {{ ref('kpi_sales_daily') }} as kpi_sales_daily
),

won_deals as (
    select
        count(*) as won_deals,
        coalesce(sum(int_deals_classified.amount_reporting), 0) as won_amount
    from {{ ref('int_deals_classified') }} as int_deals_classified
    where int_deals_classified.is_won
)

select
    exported.opportunities_won,
    exported.revenue_won,
    won_deals.won_deals,
    won_deals.won_amount
from exported
cross join won_deals
where exported.opportunities_won != won_deals.won_deals
    or exported.revenue_won != won_deals.won_amount
