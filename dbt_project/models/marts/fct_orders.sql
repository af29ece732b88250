{# grain: one row per order (a won opportunity with a primary contact) #}
with

fct_opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

orders as (
    -- An order counts once, for the deal's primary contact (kpis.md).
    select
        -- ids
        fct_opportunities.deal_id as order_id,
        fct_opportunities.deal_id,
        fct_opportunities.primary_contact_id as contact_id,
        fct_opportunities.owner_agent_id,

        -- strings
        fct_opportunities.pipeline,

        -- numerics: the amount at close, in the reporting currency
        fct_opportunities.revenue as amount,

        -- timestamps
        fct_opportunities.closed_at as ordered_at,
        fct_opportunities.closed_date as order_date,
        {{ reporting_month('fct_opportunities.closed_at') }} as order_month
    from fct_opportunities
    where fct_opportunities.is_won
        and fct_opportunities.primary_contact_id is not null
        -- The order date is the close date: a won deal without one has no order day.
        and fct_opportunities.closed_at is not null
)

select * from orders
