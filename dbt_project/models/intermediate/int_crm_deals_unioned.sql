{{ config(materialized='view') }}
{# grain: one row per CRM deal, of every CRM (deleted ones flagged, not dropped) #}
{#- Seam: one `union all` branch per CRM, the only models after staging that
    may name a CRM. Ids are unique across CRMs: HubSpot's as HubSpot gives them
    (the published keys depend on them), every other CRM's prefixed `<crm>:`. -#}
with

stg_hubspot__deals as (
    select * from {{ ref('stg_hubspot__deals') }}
),

stg_pipedrive__deals as (
    select * from {{ ref('stg_pipedrive__deals') }}
),

hubspot_deals as (
    select
        'hubspot' as source_system,
        stg_hubspot__deals.deal_id,
        stg_hubspot__deals.owner_id,
        stg_hubspot__deals.pipeline_id,
        stg_hubspot__deals.deal_stage_id,
        stg_hubspot__deals.deal_name,
        stg_hubspot__deals.currency_code,
        -- HubSpot states the outcome in the stage metadata, not on the deal.
        cast(null as varchar) as deal_status,
        stg_hubspot__deals.amount,
        stg_hubspot__deals.amount_in_home_currency,
        stg_hubspot__deals.is_archived,
        stg_hubspot__deals.created_at,
        stg_hubspot__deals.close_date_at,
        stg_hubspot__deals.modified_at,
        stg_hubspot__deals.loaded_at,
        stg_hubspot__deals.deleted_at
    from stg_hubspot__deals
),

pipedrive_deals as (
    select
        'pipedrive' as source_system,
        stg_pipedrive__deals.deal_id,
        stg_pipedrive__deals.owner_id,
        stg_pipedrive__deals.pipeline_id,
        stg_pipedrive__deals.deal_stage_id,
        stg_pipedrive__deals.deal_name,
        stg_pipedrive__deals.currency_code,
        stg_pipedrive__deals.deal_status,
        stg_pipedrive__deals.amount,
        stg_pipedrive__deals.amount_in_home_currency,
        stg_pipedrive__deals.is_archived,
        stg_pipedrive__deals.created_at,
        stg_pipedrive__deals.close_date_at,
        stg_pipedrive__deals.modified_at,
        stg_pipedrive__deals.loaded_at,
        stg_pipedrive__deals.deleted_at
    from stg_pipedrive__deals
),

unioned as (
    select * from hubspot_deals
    union all
    select * from pipedrive_deals
)

select * from unioned
