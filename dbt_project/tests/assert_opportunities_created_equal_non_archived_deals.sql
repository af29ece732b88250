{# Shown in Dagster as a check on kpi_sales_daily (a singular test with several inputs
   needs one named). #}
{{ config(meta={'dagster': {'ref': {'name': 'kpi_sales_daily'}}}) }}

-- kpis.md invariant: SUM(opportunities_created) over kpi_sales_daily = deals in the CRM
-- (neither deleted in the CRM nor found gone at the vendor), counted straight from the raw
-- layer of every CRM, each with its own deleted flags (kpis.md "Per-CRM readings").
with

exported as (
    select coalesce(sum(kpi_sales_daily.opportunities_created), 0) as opportunities_created
    from {{ ref('kpi_sales_daily') }} as kpi_sales_daily
),

hubspot_deals as (
    select count(*) as non_archived_deals
    from {{ source('hubspot', 'deals') }} as raw_deals
    where not raw_deals.is_archived
        and not coalesce(cast(raw_deals.record ->> '$.archived' as boolean), false)
        and raw_deals._deleted_at is null
),

pipedrive_deals as (
    select count(*) as non_archived_deals
    from {{ source('pipedrive', 'deals') }} as raw_deals
    where not raw_deals.is_archived
        and not coalesce(cast(raw_deals.record ->> '$.is_deleted' as boolean), false)
        and not coalesce(cast(raw_deals.record ->> '$.is_archived' as boolean), false)
        and coalesce(lower(raw_deals.record ->> '$.status'), '') != 'deleted'
        and raw_deals._deleted_at is null
),

crm as (
    select hubspot_deals.non_archived_deals + pipedrive_deals.non_archived_deals as non_archived_deals
    from hubspot_deals
    cross join pipedrive_deals
)

select
    exported.opportunities_created,
    crm.non_archived_deals
from exported
cross join crm
where exported.opportunities_created != crm.non_archived_deals
