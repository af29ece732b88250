{{ config(materialized='view') }}
{# grain: one row per CRM goal target (one time slice of a quota), of every CRM that has goals #}
{#- Seam. Only HubSpot has goal objects; Pipedrive's targets are the
    sales_targets.csv seed (kpis.md), which int_targets_allocated_to_months
    applies when no CRM has a goal. A CRM with goals adds a branch here. -#}
with

stg_hubspot__goal_targets as (
    select * from {{ ref('stg_hubspot__goal_targets') }}
),

hubspot_targets as (
    select
        'hubspot' as source_system,
        stg_hubspot__goal_targets.goal_target_id as target_id,
        stg_hubspot__goal_targets.assignee_user_id as crm_user_id,
        stg_hubspot__goal_targets.owner_id,
        stg_hubspot__goal_targets.target_amount,
        stg_hubspot__goal_targets.is_archived,
        stg_hubspot__goal_targets.starts_at,
        stg_hubspot__goal_targets.ends_at
    from stg_hubspot__goal_targets
),

unioned as (
    select * from hubspot_targets
)

select * from unioned
