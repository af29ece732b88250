{# grain: one row per cohort_month x months_since_first_order (full triangle up to the run's month) #}
with

fct_orders as (
    select * from {{ ref('fct_orders') }}
),

dim_customers as (
    select * from {{ ref('dim_customers') }}
),

month_spine as (
    select cast(unnest(generate_series(
        (select min(dim_customers.first_order_month) from dim_customers),
        {{ reporting_month(run_timestamp()) }},
        interval 1 month
    )) as date) as month
),

cohort_sizes as (
    select
        dim_customers.first_order_month as cohort_month,
        count(*) as cohort_customers
    from dim_customers
    group by all
),

triangle as (
    -- Every cohort month that has customers, every month from it up to now.
    select
        cohort_sizes.cohort_month,
        activity_months.month as activity_month,
        date_diff('month', cohort_sizes.cohort_month, activity_months.month) as months_since_first_order
    from cohort_sizes
    inner join month_spine as activity_months
        on cohort_sizes.cohort_month <= activity_months.month
),

cohort_activity as (
    select
        dim_customers.first_order_month as cohort_month,
        fct_orders.order_month as activity_month,
        count(distinct fct_orders.contact_id) as active_customers,
        sum(fct_orders.amount) as revenue
    from fct_orders
    inner join dim_customers
        on fct_orders.contact_id = dim_customers.contact_id
    group by all
),

final as (
    select
        triangle.cohort_month,
        cast(triangle.months_since_first_order as bigint) as months_since_first_order,
        cast(cohort_sizes.cohort_customers as bigint) as cohort_customers,
        cast(coalesce(cohort_activity.active_customers, 0) as bigint) as active_customers,
        cast(coalesce(cohort_activity.revenue, 0) as decimal(18, 2)) as revenue
    from triangle
    inner join cohort_sizes
        on triangle.cohort_month = cohort_sizes.cohort_month
    left join cohort_activity
        on triangle.cohort_month = cohort_activity.cohort_month
            and triangle.activity_month = cohort_activity.activity_month
    order by triangle.cohort_month, triangle.months_since_first_order
)

select * from final
