{{ config(materialized='view') }}
{# grain: one row per CRM owner (the user a deal or contact is assigned to), of every CRM #}
{#- Seam. `crm_user_id` is the CRM's other id of the same person where goals
    name it (HubSpot owner.userId); `fallback_agent_id` is the agent of an
    owner without e-mail (agent_id macro), prefixed by CRM so it is stable. -#}
with

stg_hubspot__owners as (
    select * from {{ ref('stg_hubspot__owners') }}
),

stg_pipedrive__users as (
    select * from {{ ref('stg_pipedrive__users') }}
),

hubspot_owners as (
    select
        'hubspot' as source_system,
        stg_hubspot__owners.owner_id,
        stg_hubspot__owners.hubspot_user_id as crm_user_id,
        'hubspot_owner_' || stg_hubspot__owners.owner_id as fallback_agent_id,
        stg_hubspot__owners.email,
        nullif(concat_ws(' ', stg_hubspot__owners.first_name, stg_hubspot__owners.last_name), '')
            as owner_name,
        stg_hubspot__owners.primary_team_name,
        stg_hubspot__owners.is_archived
    from stg_hubspot__owners
),

pipedrive_owners as (
    select
        'pipedrive' as source_system,
        stg_pipedrive__users.owner_id,
        stg_pipedrive__users.crm_user_id,
        stg_pipedrive__users.fallback_agent_id,
        stg_pipedrive__users.email,
        stg_pipedrive__users.owner_name,
        stg_pipedrive__users.primary_team_name,
        stg_pipedrive__users.is_archived
    from stg_pipedrive__users
),

unioned as (
    select * from hubspot_owners
    union all
    select * from pipedrive_owners
)

select * from unioned
