{# grain: one row per CRM deal neither deleted in the CRM nor gone at the vendor #}
with

int_crm_deals_unioned as (
    select * from {{ ref('int_crm_deals_unioned') }}
),

int_crm_pipelines_unioned as (
    select * from {{ ref('int_crm_pipelines_unioned') }}
),

int_crm_stages_unioned as (
    select * from {{ ref('int_crm_stages_unioned') }}
),

currency_rates as (
    select * from {{ ref('currency_rates') }}
),

int_agent_identities_mapped as (
    select * from {{ ref('int_agent_identities_mapped') }}
),

deals as (
    -- Deleted deals are excluded everywhere (kpis.md): deleted or archived in
    -- the CRM, or found gone by a full-key reconciliation.
    select *
    from int_crm_deals_unioned
    where not int_crm_deals_unioned.is_archived
        and int_crm_deals_unioned.deleted_at is null
),

deals_with_stage as (
    select
        deals.*,
        coalesce(int_crm_pipelines_unioned.pipeline_label, '') as pipeline,
        -- A CRM that states the outcome on the deal is read there; otherwise
        -- the stage metadata of the deal's pipeline says (kpis.md "won / lost").
        case
            when deals.deal_status is not null then deals.deal_status = 'won'
            else coalesce(int_crm_stages_unioned.is_won, false)
        end as is_won,
        case
            when deals.deal_status is not null then deals.deal_status = 'lost'
            else coalesce(int_crm_stages_unioned.is_lost, false)
        end as is_lost
    from deals
    left join int_crm_pipelines_unioned
        on deals.pipeline_id = int_crm_pipelines_unioned.pipeline_id
    left join int_crm_stages_unioned
        on deals.pipeline_id = int_crm_stages_unioned.pipeline_id
            and deals.deal_stage_id = int_crm_stages_unioned.deal_stage_id
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
        converted.source_system,
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
        on int_agent_identities_mapped.identity_kind = 'crm_owner'
            and converted.owner_id = int_agent_identities_mapped.source_id
)

select * from classified
