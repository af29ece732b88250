{# grain: one row per HubSpot deal neither archived nor gone at the vendor #}
with

stg_hubspot__deals as (
    select * from {{ ref('stg_hubspot__deals') }}
),

stg_hubspot__deal_pipelines as (
    select * from {{ ref('stg_hubspot__deal_pipelines') }}
),

stg_hubspot__deal_stages as (
    select * from {{ ref('stg_hubspot__deal_stages') }}
),

currency_rates as (
    select * from {{ ref('currency_rates') }}
),

int_agent_identities_mapped as (
    select * from {{ ref('int_agent_identities_mapped') }}
),

deals as (
    -- Deleted deals are excluded everywhere (kpis.md): archived, or found gone
    -- by a full-key reconciliation.
    select *
    from stg_hubspot__deals
    where not stg_hubspot__deals.is_archived
        and stg_hubspot__deals.deleted_at is null
),

deals_with_stage as (
    select
        deals.*,
        coalesce(stg_hubspot__deal_pipelines.pipeline_label, '') as pipeline,
        coalesce(stg_hubspot__deal_stages.is_won, false) as is_won,
        coalesce(stg_hubspot__deal_stages.is_lost, false) as is_lost
    from deals
    left join stg_hubspot__deal_pipelines
        on deals.pipeline_id = stg_hubspot__deal_pipelines.pipeline_id
    left join stg_hubspot__deal_stages
        on deals.pipeline_id = stg_hubspot__deal_stages.pipeline_id
            and deals.deal_stage_id = stg_hubspot__deal_stages.deal_stage_id
),

converted as (
    -- Money: home-currency amount, else the amount in (or without) the
    -- reporting currency, else the rates seed; rounded per deal.
    select
        deals_with_stage.*,
        cast(
            round(
                case
                    when deals_with_stage.amount_in_home_currency is not null
                        then cast(deals_with_stage.amount_in_home_currency as decimal(38, 10))
                    when deals_with_stage.currency_code is null
                        or deals_with_stage.currency_code = upper(trim('{{ var("REPORTING_CURRENCY") }}'))
                        then cast(deals_with_stage.amount as decimal(38, 10))
                    else cast(
                            cast(deals_with_stage.amount as decimal(20, 6)) * currency_rates.rate_to_reporting
                            as decimal(38, 10)
                        )
                end,
                2
            ) as decimal(18, 2)
        ) as amount_reporting,
        deals_with_stage.amount_in_home_currency is null
        and deals_with_stage.amount is not null
        and deals_with_stage.currency_code is not null
        and deals_with_stage.currency_code != upper(trim('{{ var("REPORTING_CURRENCY") }}'))
        and currency_rates.currency_code is null as is_missing_rate
    from deals_with_stage
    left join currency_rates
        on deals_with_stage.currency_code = upper(trim(currency_rates.currency_code))
),

classified as (
    select
        -- ids
        converted.deal_id,
        converted.pipeline_id,
        converted.deal_stage_id,
        converted.owner_id,
        coalesce(int_agent_identities_mapped.agent_id, 'unassigned') as owner_agent_id,

        -- strings
        converted.deal_name,
        converted.pipeline,
        case when converted.is_won then 'won' when converted.is_lost then 'lost' else 'open' end
            as deal_status,
        converted.currency_code,

        -- numerics
        converted.amount,
        converted.amount_in_home_currency,
        converted.amount_reporting,
        -- A deal without an amount adds 0 to revenue (additive measures are never NULL).
        cast(coalesce(converted.amount_reporting, 0) as decimal(18, 2)) as revenue,

        -- booleans
        converted.is_won,
        converted.is_lost,
        converted.is_won or converted.is_lost as is_closed,
        converted.is_missing_rate,

        -- timestamps: the close time is the CRM close date of a won or lost deal
        converted.created_at,
        case when converted.is_won or converted.is_lost then converted.close_date_at end as closed_at,
        converted.modified_at
    from converted
    left join int_agent_identities_mapped
        on int_agent_identities_mapped.source_system = 'hubspot_owner'
            and converted.owner_id = int_agent_identities_mapped.source_id
)

select * from classified
