{{ config(materialized='view') }}
{# grain: one row per CRM pipeline x deal stage, of every CRM #}
{#- Seam. `is_won` / `is_lost` carry the stage's outcome where the CRM puts
    it there (HubSpot: closed with probability 1 / 0) and are NULL where the
    deal's own status says (Pipedrive). -#}
with

stg_hubspot__deal_stages as (
    select * from {{ ref('stg_hubspot__deal_stages') }}
),

stg_pipedrive__stages as (
    select * from {{ ref('stg_pipedrive__stages') }}
),

hubspot_stages as (
    select
        'hubspot' as source_system,
        stg_hubspot__deal_stages.pipeline_id,
        stg_hubspot__deal_stages.deal_stage_id,
        stg_hubspot__deal_stages.deal_stage_label,
        stg_hubspot__deal_stages.probability,
        stg_hubspot__deal_stages.display_order,
        stg_hubspot__deal_stages.is_closed,
        stg_hubspot__deal_stages.is_won,
        stg_hubspot__deal_stages.is_lost,
        stg_hubspot__deal_stages.is_archived
    from stg_hubspot__deal_stages
),

pipedrive_stages as (
    select
        'pipedrive' as source_system,
        stg_pipedrive__stages.pipeline_id,
        stg_pipedrive__stages.deal_stage_id,
        stg_pipedrive__stages.deal_stage_label,
        stg_pipedrive__stages.probability,
        stg_pipedrive__stages.display_order,
        stg_pipedrive__stages.is_closed,
        stg_pipedrive__stages.is_won,
        stg_pipedrive__stages.is_lost,
        stg_pipedrive__stages.is_archived
    from stg_pipedrive__stages
),

unioned as (
    select * from hubspot_stages
    union all
    select * from pipedrive_stages
)

select * from unioned
