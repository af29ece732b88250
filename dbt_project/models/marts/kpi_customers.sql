{# grain: one row per customer (customer_key) #}
with

dim_customers as (
    select * from {{ ref('dim_customers') }}
),

final as (
    -- Pseudonymised: the HMAC key of the contact id, never a phone, e-mail or name.
    select
        dim_customers.customer_key,
        dim_customers.acquisition_channel_group,
        dim_customers.acquisition_channel,
        dim_customers.acquisition_agent_id,
        dim_customers.owner_agent_id,
        dim_customers.first_order_date,
        dim_customers.last_order_date,
        cast(dim_customers.orders as bigint) as orders,
        cast(dim_customers.revenue as decimal(18, 2)) as revenue,
        cast(dim_customers.is_repeat_customer as bigint) as is_repeat_customer
    from dim_customers
    order by dim_customers.customer_key
)

select * from final
