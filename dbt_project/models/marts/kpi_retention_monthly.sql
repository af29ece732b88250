{# grain: one row per month x acquisition channel (where any measure is non-zero) #}
with

fct_orders as (
    select * from {{ ref('fct_orders') }}
),

dim_customers as (
    select * from {{ ref('dim_customers') }}
),

customer_order_months as (
    select distinct
        fct_orders.contact_id,
        dim_customers.acquisition_channel_group as channel_group,
        dim_customers.acquisition_channel as channel,
        fct_orders.order_month,
        dim_customers.first_order_month
    from fct_orders
    inner join dim_customers
        on fct_orders.contact_id = dim_customers.contact_id
),

month_spine as (
    -- From the first order month to the run's month (reporting zone).
    select cast(unnest(generate_series(
        (select min(customer_order_months.order_month) from customer_order_months),
        {{ reporting_month(run_timestamp()) }},
        interval 1 month
    )) as date) as month
),

customer_base_months as (
    -- A customer ordering in month m is in the base of months m+1 .. m+12.
    select distinct
        customer_order_months.contact_id,
        customer_order_months.channel_group,
        customer_order_months.channel,
        cast(unnest(generate_series(
            customer_order_months.order_month + interval 1 month,
            customer_order_months.order_month + interval 12 month,
            interval 1 month
        )) as date) as month
    from customer_order_months
),

customer_months as (
    select
        coalesce(customer_order_months.contact_id, customer_base_months.contact_id) as contact_id,
        coalesce(customer_order_months.channel_group, customer_base_months.channel_group) as channel_group,
        coalesce(customer_order_months.channel, customer_base_months.channel) as channel,
        coalesce(customer_order_months.order_month, customer_base_months.month) as month,
        customer_order_months.contact_id is not null as is_ordering,
        customer_order_months.order_month = customer_order_months.first_order_month as is_new,
        customer_base_months.contact_id is not null as is_in_base
    from customer_order_months
    full outer join customer_base_months
        on customer_order_months.contact_id = customer_base_months.contact_id
            and customer_order_months.order_month = customer_base_months.month
),

aggregated as (
    select
        month_spine.month,
        customer_months.channel_group,
        customer_months.channel,
        count(distinct customer_months.contact_id) filter (where customer_months.is_ordering)
            as customers_ordering,
        count(distinct customer_months.contact_id) filter (where customer_months.is_new) as new_customers,
        count(distinct customer_months.contact_id)
        filter (where customer_months.is_ordering and customer_months.is_in_base) as returning_customers,
        count(distinct customer_months.contact_id) filter (where customer_months.is_in_base)
            as customers_base
    from month_spine
    inner join customer_months
        on month_spine.month = customer_months.month
    group by all
),

final as (
    select
        aggregated.month,
        aggregated.channel_group,
        aggregated.channel,
        cast(aggregated.customers_ordering as bigint) as customers_ordering,
        cast(aggregated.new_customers as bigint) as new_customers,
        cast(aggregated.returning_customers as bigint) as returning_customers,
        cast(aggregated.customers_base as bigint) as customers_base
    from aggregated
    where aggregated.customers_ordering + aggregated.customers_base > 0
    order by aggregated.month, aggregated.channel_group, aggregated.channel
)

select * from final
