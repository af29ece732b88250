{# grain: one row per opportunity (CRM deal neither deleted nor gone) #}
with

int_deals_classified as (
    select * from {{ ref('int_deals_classified') }}
),

int_deal_contacts_repointed as (
    select * from {{ ref('int_deal_contacts_repointed') }}
),

dim_leads as (
    select * from {{ ref('dim_leads') }}
),

associated_leads as (
    -- Only leads are associated (merged-away contacts already re-pointed to
    -- their survivor, deleted ones dropped), so the primary is chosen among them.
    select
        int_deal_contacts_repointed.deal_id,
        int_deal_contacts_repointed.is_primary,
        dim_leads.contact_id,
        dim_leads.created_at,
        dim_leads.channel_group,
        dim_leads.channel,
        dim_leads.channel_label
    from int_deal_contacts_repointed
    inner join dim_leads
        on int_deal_contacts_repointed.contact_id = dim_leads.contact_id
),

primary_contacts as (
    -- The primary contact is the one the CRM names (a deal's only person),
    -- else the earliest-created associated contact (ties: lowest id).
    select
        associated_leads.*,
        count(*) over (partition by associated_leads.deal_id) as associated_contacts
    from associated_leads
    qualify row_number() over (
            partition by associated_leads.deal_id
            order by
                associated_leads.is_primary desc nulls last,
                associated_leads.created_at asc,
                try_cast(associated_leads.contact_id as bigint) asc nulls first,
                associated_leads.contact_id asc
        ) = 1
),

opportunities as (
    select
        -- ids
        int_deals_classified.deal_id,
        int_deals_classified.pipeline_id,
        int_deals_classified.deal_stage_id,
        int_deals_classified.owner_id,
        int_deals_classified.owner_agent_id,
        primary_contacts.contact_id as primary_contact_id,

        -- strings
        int_deals_classified.deal_name,
        int_deals_classified.pipeline,
        int_deals_classified.deal_status,
        -- Opportunity channel = first-touch channel of its primary contact.
        coalesce(primary_contacts.channel_group, 'unknown') as channel_group,
        coalesce(primary_contacts.channel, 'unknown') as channel,
        coalesce(primary_contacts.channel_label, 'Unknown') as channel_label,
        int_deals_classified.currency_code,

        -- numerics
        int_deals_classified.amount,
        int_deals_classified.amount_reporting,
        int_deals_classified.revenue,
        coalesce(primary_contacts.associated_contacts, 0) as associated_contacts,

        -- booleans
        int_deals_classified.is_won,
        int_deals_classified.is_lost,
        int_deals_classified.is_closed,

        -- timestamps
        int_deals_classified.created_at,
        {{ reporting_date('int_deals_classified.created_at') }} as created_date,
        int_deals_classified.closed_at,
        {{ reporting_date('int_deals_classified.closed_at') }} as closed_date,
        -- Attribution looks at touches up to the close, or up to now for open deals.
        coalesce(int_deals_classified.closed_at, {{ run_timestamp() }}) as attribution_ends_at
    from int_deals_classified
    left join primary_contacts
        on int_deals_classified.deal_id = primary_contacts.deal_id
)

select * from opportunities
