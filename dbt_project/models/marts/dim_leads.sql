{# grain: one row per lead (CRM contact neither deleted, gone nor merged away) #}
with

int_crm_contacts_unioned as (
    select * from {{ ref('int_crm_contacts_unioned') }}
),

int_contacts_resolved as (
    select * from {{ ref('int_contacts_resolved') }}
),

int_lead_phone_numbers_unioned as (
    select * from {{ ref('int_lead_phone_numbers_unioned') }}
),

int_lead_interactions_matched as (
    select * from {{ ref('int_lead_interactions_matched') }}
),

int_deals_classified as (
    select * from {{ ref('int_deals_classified') }}
),

int_deal_contacts_repointed as (
    select * from {{ ref('int_deal_contacts_repointed') }}
),

int_agent_identities_mapped as (
    select * from {{ ref('int_agent_identities_mapped') }}
),

leads as (
    -- Every contact is a lead, whatever its lifecycle stage, except deleted ones
    -- (archived, gone at the vendor, or merged into another contact).
    select int_crm_contacts_unioned.*
    from int_crm_contacts_unioned
    inner join int_contacts_resolved
        on int_crm_contacts_unioned.contact_id = int_contacts_resolved.contact_id
    where not int_contacts_resolved.is_deleted
),

lead_numbers as (
    select
        int_lead_phone_numbers_unioned.contact_id,
        list(int_lead_phone_numbers_unioned.number_e164 order by int_lead_phone_numbers_unioned.number_e164)
            as numbers_e164
    from int_lead_phone_numbers_unioned
    group by int_lead_phone_numbers_unioned.contact_id
),

earliest_interactions as (
    select *
    from int_lead_interactions_matched
    where int_lead_interactions_matched.interaction_number = 1
),

first_handled_interactions as (
    -- No time bound: "the agent of its first handled interaction" (kpis.md).
    select *
    from int_lead_interactions_matched
    where int_lead_interactions_matched.is_handled
    qualify row_number() over (
            partition by int_lead_interactions_matched.contact_id
            order by int_lead_interactions_matched.interaction_number
        ) = 1
),

first_touches as (
    -- The earliest interaction counts as first touch only up to created_at +
    -- grace (inclusive); earlier than creation counts too.
    select earliest_interactions.*
    from earliest_interactions
    inner join leads
        on earliest_interactions.contact_id = leads.contact_id
    where earliest_interactions.started_at
        <= leads.created_at + to_hours(cast({{ var('FIRST_TOUCH_GRACE_HOURS') }} as bigint))
),

responses as (
    -- Speed to lead, for an inbound first touch only: the earliest response
    -- instant of its interactions (fct_interactions.responded_at: the answer of
    -- an inbound call, the start of an outbound one, an agent's first message).
    select
        first_touches.contact_id,
        min(int_lead_interactions_matched.responded_at) as responded_at
    from first_touches
    inner join int_lead_interactions_matched
        on first_touches.contact_id = int_lead_interactions_matched.contact_id
            and first_touches.started_at <= int_lead_interactions_matched.started_at
    where first_touches.direction = 'inbound'
    group by first_touches.contact_id
),

lead_deals as (
    -- Deals of contacts merged into the lead are the lead's.
    select
        int_deal_contacts_repointed.contact_id,
        count(*) as opportunities,
        bool_or(int_deals_classified.is_won) as has_won_opportunity
    from int_deal_contacts_repointed
    inner join int_deals_classified
        on int_deal_contacts_repointed.deal_id = int_deals_classified.deal_id
    group by int_deal_contacts_repointed.contact_id
),

resolved as (
    select
        -- ids
        leads.source_system,
        leads.contact_id,
        leads.owner_id,
        coalesce(owner_agents.agent_id, 'unassigned') as owner_agent_id,
        first_touches.interaction_id as first_touch_interaction_id,
        first_handled_interactions.interaction_id as first_handled_interaction_id,
        coalesce(first_handled_interactions.agent_id, 'unassigned') as first_touch_agent_id,

        -- channel: the first touch's line, outbound_* when the company called
        -- first, else the CRM original source, else unknown
        case
            when first_touches.direction = 'outbound' then 'outbound'
            when first_touches.interaction_id is not null then first_touches.channel_group
            when leads.original_source is not null then 'crm'
            else 'unknown'
        end as channel_group,
        case
            when first_touches.direction = 'outbound' then 'outbound_' || first_touches.interaction_type
            when first_touches.interaction_id is not null then first_touches.channel
            when leads.original_source is not null then 'crm_' || lower(leads.original_source)
            else 'unknown'
        end as channel,
        first_touches.channel_label as first_touch_line_channel_label,

        -- strings
        leads.original_source,
        leads.lifecycle_stage,
        first_touches.direction as first_touch_direction,
        coalesce(lead_numbers.numbers_e164, []) as numbers_e164,

        -- numerics
        case
            when responses.responded_at is not null
                then {{ epoch_seconds_between('first_touches.started_at', 'responses.responded_at') }}
        end as response_seconds,
        coalesce(lead_deals.opportunities, 0) as opportunities,

        -- booleans
        first_touches.interaction_id is not null as has_first_touch,
        coalesce(first_touches.direction = 'inbound' and responses.responded_at is not null, false)
            as is_responded,
        coalesce(lead_deals.opportunities, 0) > 0 as has_opportunity,
        coalesce(lead_deals.has_won_opportunity, false) as is_won,

        -- timestamps
        leads.created_at,
        {{ reporting_date('leads.created_at') }} as created_date,
        first_touches.started_at as first_touch_at,
        first_handled_interactions.started_at as first_handled_at,
        responses.responded_at
    from leads
    left join lead_numbers
        on leads.contact_id = lead_numbers.contact_id
    left join first_touches
        on leads.contact_id = first_touches.contact_id
    left join first_handled_interactions
        on leads.contact_id = first_handled_interactions.contact_id
    left join responses
        on leads.contact_id = responses.contact_id
    left join lead_deals
        on leads.contact_id = lead_deals.contact_id
    left join int_agent_identities_mapped as owner_agents
        on owner_agents.identity_kind = 'crm_owner'
            and leads.owner_id = owner_agents.source_id
),

labelled as (
    select
        resolved.* exclude (resolved.first_touch_line_channel_label),
        case
            when resolved.first_touch_interaction_id is not null and resolved.first_touch_direction = 'inbound'
                then resolved.first_touch_line_channel_label
            else {{ channel_label('resolved.channel') }}
        end as channel_label
    from resolved
)

select * from labelled
