{# grain: one row per opportunity x credit_role x agent_id #}
with

fct_opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

int_deal_contacts_repointed as (
    select * from {{ ref('int_deal_contacts_repointed') }}
),

dim_leads as (
    select * from {{ ref('dim_leads') }}
),

int_lead_interactions_matched as (
    select * from {{ ref('int_lead_interactions_matched') }}
),

deal_handled_interactions as (
    -- Handled interactions with any associated (existing) contact, each once
    -- even when two contacts share a number.
    select distinct
        int_deal_contacts_repointed.deal_id,
        int_lead_interactions_matched.interaction_id,
        int_lead_interactions_matched.source_sequence,
        int_lead_interactions_matched.agent_id,
        int_lead_interactions_matched.started_at
    from int_deal_contacts_repointed
    inner join dim_leads
        on int_deal_contacts_repointed.contact_id = dim_leads.contact_id
    inner join int_lead_interactions_matched
        on int_deal_contacts_repointed.contact_id = int_lead_interactions_matched.contact_id
    where int_lead_interactions_matched.is_handled
),

primary_first_handled as (
    -- The primary contact's first handled interaction (no time bound).
    select
        fct_opportunities.deal_id,
        int_lead_interactions_matched.agent_id,
        int_lead_interactions_matched.started_at
    from fct_opportunities
    inner join dim_leads
        on fct_opportunities.primary_contact_id = dim_leads.contact_id
    inner join int_lead_interactions_matched
        on dim_leads.contact_id = int_lead_interactions_matched.contact_id
            and dim_leads.first_handled_interaction_id = int_lead_interactions_matched.interaction_id
),

owner_credits as (
    -- The owner role covers every deal (unassigned for an unowned deal).
    select
        fct_opportunities.deal_id,
        'owner' as credit_role,
        fct_opportunities.owner_agent_id as agent_id,
        1 as agent_count
    from fct_opportunities
),

first_touch_credits as (
    select
        primary_first_handled.deal_id,
        'first_touch' as credit_role,
        primary_first_handled.agent_id,
        1 as agent_count
    from primary_first_handled
),

last_touch_credits as (
    -- The last handled touch at or before the close (or now, for open deals).
    select
        deal_handled_interactions.deal_id,
        'last_touch' as credit_role,
        deal_handled_interactions.agent_id,
        1 as agent_count
    from deal_handled_interactions
    inner join fct_opportunities
        on deal_handled_interactions.deal_id = fct_opportunities.deal_id
    where deal_handled_interactions.started_at <= fct_opportunities.attribution_ends_at
    qualify row_number() over (
            partition by deal_handled_interactions.deal_id
            order by
                deal_handled_interactions.started_at desc,
                deal_handled_interactions.source_sequence desc,
                deal_handled_interactions.interaction_id desc
        ) = 1
),

assist_agents as (
    -- Every distinct agent handling a touch between the primary contact's first
    -- handled interaction and the close (or now), both ends included.
    select distinct
        deal_handled_interactions.deal_id,
        deal_handled_interactions.agent_id
    from deal_handled_interactions
    inner join fct_opportunities
        on deal_handled_interactions.deal_id = fct_opportunities.deal_id
    inner join primary_first_handled
        on deal_handled_interactions.deal_id = primary_first_handled.deal_id
    where deal_handled_interactions.started_at >= primary_first_handled.started_at
        and deal_handled_interactions.started_at <= fct_opportunities.attribution_ends_at
),

assist_credits as (
    select
        assist_agents.deal_id,
        'assist' as credit_role,
        assist_agents.agent_id,
        count(*) over (partition by assist_agents.deal_id) as agent_count
    from assist_agents
),

unioned as (
    select * from owner_credits
    union all
    select * from first_touch_credits
    union all
    select * from last_touch_credits
    union all
    select * from assist_credits
),

credited as (
    select
        unioned.deal_id || ':' || unioned.credit_role || ':' || unioned.agent_id as credit_id,
        unioned.deal_id,
        unioned.credit_role,
        unioned.agent_id,
        -- 1 for owner, first and last touch; 1/N for each of N assists, so summing
        -- credited values over one role never double counts.
        cast(1.0 / unioned.agent_count as decimal(18, 12)) as credit_share,
        unioned.agent_count as role_agent_count
    from unioned
)

select * from credited
