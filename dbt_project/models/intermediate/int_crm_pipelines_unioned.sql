{{ config(materialized='view') }}
{# grain: one row per CRM deal pipeline, of every CRM #}
with

stg_hubspot__deal_pipelines as (
    select * from {{ ref('stg_hubspot__deal_pipelines') }}
),

stg_pipedrive__pipelines as (
    select * from {{ ref('stg_pipedrive__pipelines') }}
),

hubspot_pipelines as (
    select
        'hubspot' as source_system,
        stg_hubspot__deal_pipelines.pipeline_id,
        stg_hubspot__deal_pipelines.pipeline_label,
        stg_hubspot__deal_pipelines.display_order,
        stg_hubspot__deal_pipelines.is_archived
    from stg_hubspot__deal_pipelines
),

pipedrive_pipelines as (
    select
        'pipedrive' as source_system,
        stg_pipedrive__pipelines.pipeline_id,
        stg_pipedrive__pipelines.pipeline_label,
        stg_pipedrive__pipelines.display_order,
        stg_pipedrive__pipelines.is_archived
    from stg_pipedrive__pipelines
),

unioned as (
    select * from hubspot_pipelines
    union all
    select * from pipedrive_pipelines
)

select * from unioned
