{# Shown in Dagster as a check on kpi_customers (a singular test with several inputs
   needs one named). #}
{{ config(meta={'dagster': {'ref': {'name': 'kpi_customers'}}}) }}

-- kpis.md invariant: SUM(orders) over kpi_customers = won deals with a contact (an
-- associated contact that is a lead, or was merged into one).
with

exported as (
    select coalesce(sum(kpi_customers.orders), 0) as orders
    from {{ ref('kpi_customers') }} as kpi_customers
),

won_deals_with_contact as (
    select count(distinct int_deals_classified.deal_id) as won_deals
    from {{ ref('int_deals_classified') }} as int_deals_classified
    inner join {{ ref('int_crm_deal_contacts_unioned') }} as int_crm_deal_contacts_unioned
        on int_deals_classified.deal_id = int_crm_deal_contacts_unioned.deal_id
    inner join {{ ref('int_contacts_resolved') }} as int_contacts_resolved
        on int_crm_deal_contacts_unioned.contact_id = int_contacts_resolved.contact_id
    where int_deals_classified.is_won
        and not int_contacts_resolved.is_survivor_deleted
)

select
    exported.orders,
    won_deals_with_contact.won_deals
from exported
cross join won_deals_with_contact
where exported.orders != won_deals_with_contact.won_deals
