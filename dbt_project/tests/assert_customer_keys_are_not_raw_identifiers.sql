{# Shown in Dagster as a check on kpi_customers (a singular test with several inputs
   needs one named). #}
{{ config(meta={'dagster': {'ref': {'name': 'kpi_customers'}}}) }}

-- Pseudonymisation: a customer_key is a 64-hex HMAC, never the contact id itself.
select kpi_customers.customer_key
from {{ ref('kpi_customers') }} as kpi_customers
inner join {{ ref('int_crm_contacts_unioned') }} as int_crm_contacts_unioned
    on kpi_customers.customer_key = int_crm_contacts_unioned.contact_id
union all
select kpi_customers.customer_key
from {{ ref('kpi_customers') }} as kpi_customers
where not regexp_full_match(kpi_customers.customer_key, '[0-9a-f]{64}')
