{# grain: one row per contact x interaction with any of the contact's normalised numbers #}
with

int_lead_phone_numbers_unioned as (
    select * from {{ ref('int_lead_phone_numbers_unioned') }}
),

fct_interactions as (
    select * from {{ ref('fct_interactions') }}
),

matched as (
    select
        int_lead_phone_numbers_unioned.contact_id,
        fct_interactions.interaction_id,
        fct_interactions.interaction_type,
        fct_interactions.source_sequence,
        fct_interactions.direction,
        fct_interactions.agent_id,
        fct_interactions.channel_group,
        fct_interactions.channel,
        fct_interactions.channel_label,
        fct_interactions.is_answered,
        fct_interactions.is_handled,
        fct_interactions.started_at,
        fct_interactions.answered_at,
        fct_interactions.responded_at
    from int_lead_phone_numbers_unioned
    inner join fct_interactions
        on int_lead_phone_numbers_unioned.number_e164 = fct_interactions.customer_number_e164
),

deduplicated as (
    -- An interaction reaches one customer number, but two numbers of one lead
    -- cannot make it count twice.
    select distinct * from matched
),

sequenced as (
    -- Time order with a deterministic tie-break on the vendor id.
    select
        deduplicated.*,
        row_number() over (
            partition by deduplicated.contact_id
            order by deduplicated.started_at, deduplicated.source_sequence, deduplicated.interaction_id
        ) as interaction_number
    from deduplicated
)

select * from sequenced
