{# grain: one row per customer (a lead with at least one order) #}
with

fct_orders as (
    select * from {{ ref('fct_orders') }}
),

dim_leads as (
    select * from {{ ref('dim_leads') }}
),

int_customer_keys_hashed as (
    select * from {{ ref('int_customer_keys_hashed') }}
),

customer_orders as (
    select
        fct_orders.contact_id,
        count(*) as orders,
        sum(fct_orders.amount) as revenue,
        min(fct_orders.ordered_at) as first_order_at,
        max(fct_orders.ordered_at) as last_order_at,
        min(fct_orders.order_date) as first_order_date,
        max(fct_orders.order_date) as last_order_date,
        min(fct_orders.order_month) as first_order_month
    from fct_orders
    group by fct_orders.contact_id
),

customers as (
    select
        -- ids
        customer_orders.contact_id,
        int_customer_keys_hashed.customer_key,
        -- acquisition = the lead's first-touch channel and agent
        dim_leads.first_touch_agent_id as acquisition_agent_id,
        -- owner = the contact's CRM owner
        dim_leads.owner_agent_id,

        -- strings
        dim_leads.channel_group as acquisition_channel_group,
        dim_leads.channel as acquisition_channel,
        dim_leads.channel_label as acquisition_channel_label,

        -- numerics
        customer_orders.orders,
        customer_orders.revenue,
        case when customer_orders.orders > 1 then 1 else 0 end as is_repeat_customer,

        -- dates
        customer_orders.first_order_at,
        customer_orders.last_order_at,
        customer_orders.first_order_date,
        customer_orders.last_order_date,
        customer_orders.first_order_month
    from customer_orders
    inner join dim_leads
        on customer_orders.contact_id = dim_leads.contact_id
    left join int_customer_keys_hashed
        on customer_orders.contact_id = int_customer_keys_hashed.contact_id
)

select * from customers
