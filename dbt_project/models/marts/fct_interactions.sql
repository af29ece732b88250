{{
    config(
        materialized='incremental',
        unique_key='interaction_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=[
            "delete from {{ this }} where interaction_type = 'message'"
            " and source_id not in (select conversation_id from {{ ref('fct_conversations') }})",
        ],
    )
}}
{# grain: one row per interaction: a telephony call or a message conversation #}
{#- Conversations are few next to calls and can be re-cut (a late webhook message
    joins two; a source deletes one), so every run re-processes them all, and the
    post-hook drops those that no longer exist. -#}
with

int_telephony_calls_unioned as (
    select * from {{ ref('int_telephony_calls_unioned') }}
),

int_telephony_numbers_unioned as (
    select * from {{ ref('int_telephony_numbers_unioned') }}
),

int_phone_numbers_normalised as (
    select * from {{ ref('int_phone_numbers_normalised') }}
),

int_business_lines_classified as (
    select * from {{ ref('int_business_lines_classified') }}
),

int_agent_identities_mapped as (
    select * from {{ ref('int_agent_identities_mapped') }}
),

fct_conversations as (
    select * from {{ ref('fct_conversations') }}
),

-- The incremental-only blocks below confuse sqlfluff's indentation rule (LT02) for the rest of the file.
-- noqa: disable=LT02
{% if is_incremental() %}
stale_interactions as (
    -- A changed dimension (a seed-mapped line, a user's new e-mail) re-processes
    -- the interactions it touches, so the increment stays equal to a full refresh.
    select this.source_id as call_id
    from {{ this }} as this
    left join int_business_lines_classified
        on this.business_line = int_business_lines_classified.business_line
    left join int_agent_identities_mapped
        on int_agent_identities_mapped.identity_kind = 'telephony_user'
            and this.telephony_user_id = int_agent_identities_mapped.source_id
    where this.interaction_type = 'call'
        and (
            this.channel_group is distinct from coalesce(int_business_lines_classified.channel_group, 'unknown')
            or this.channel is distinct from coalesce(int_business_lines_classified.channel, 'unknown')
            or this.channel_label is distinct from coalesce(int_business_lines_classified.channel_label, 'Unknown')
            or this.agent_id is distinct from coalesce(int_agent_identities_mapped.agent_id, 'unassigned')
        )
),

{% endif %}
calls_to_process as (
    select *
    from int_telephony_calls_unioned
    {% if is_incremental() %}
        -- Late-arriving and re-written calls carry a new _loaded_at; the lookback
        -- covers loads that committed while the previous run was reading.
        where int_telephony_calls_unioned.loaded_at > (
            select max(this.loaded_at) - to_hours(cast({{ var('INCREMENTAL_LOOKBACK_HOURS') }} as bigint))
            from {{ this }} as this
        )
        or int_telephony_calls_unioned.call_id in (select stale_interactions.call_id from stale_interactions)
    {% endif %}
),

calls_with_line as (
    select
        calls_to_process.*,
        -- The listed number's digits win; a call on an unlisted number keeps its own.
        coalesce(int_telephony_numbers_unioned.line_digits_raw, calls_to_process.line_digits_raw) as line_raw
    from calls_to_process
    left join int_telephony_numbers_unioned
        on calls_to_process.number_id = int_telephony_numbers_unioned.number_id
),

calls_resolved as (
    select
        calls_with_line.*,
        customer_numbers.number_e164 as customer_number_e164,
        line_numbers.number_e164 as business_line,
        coalesce(int_agent_identities_mapped.agent_id, 'unassigned') as agent_id
    from calls_with_line
    left join int_phone_numbers_normalised as customer_numbers
        on calls_with_line.customer_number_raw = customer_numbers.raw_number
    left join int_phone_numbers_normalised as line_numbers
        on calls_with_line.line_raw = line_numbers.raw_number
    left join int_agent_identities_mapped
        on int_agent_identities_mapped.identity_kind = 'telephony_user'
            and calls_with_line.user_id = int_agent_identities_mapped.source_id
),

call_interactions as (
    select
        -- ids
        'call_' || calls_resolved.call_id as interaction_id,
        'call' as interaction_type,
        calls_resolved.source_system,
        calls_resolved.call_id as source_id,
        -- Ties on the start second are broken by the numeric vendor id.
        try_cast(calls_resolved.call_id as bigint) as source_sequence,
        calls_resolved.agent_id,
        calls_resolved.user_id as telephony_user_id,
        calls_resolved.number_id as telephony_number_id,

        -- business line and customer
        calls_resolved.business_line,
        coalesce(int_business_lines_classified.channel_group, 'unknown') as channel_group,
        coalesce(int_business_lines_classified.channel, 'unknown') as channel,
        coalesce(int_business_lines_classified.channel_label, 'Unknown') as channel_label,
        calls_resolved.customer_number_e164,
        calls_resolved.direction,

        -- outcome
        calls_resolved.answered_at is not null as is_answered,
        -- A person spoke with the customer: answered inbound, or outbound the customer answered.
        calls_resolved.answered_at is not null as is_handled,
        calls_resolved.direction = 'inbound' and calls_resolved.answered_at is null as is_missed,
        case
            when calls_resolved.direction = 'inbound' and calls_resolved.answered_at is null
                then calls_resolved.missed_reason
        end as missed_reason,
        calls_resolved.has_voicemail,
        calls_resolved.is_archived,
        calls_resolved.call_status,

        -- durations
        case
            when calls_resolved.answered_at is not null
                then {{ epoch_seconds_between('calls_resolved.answered_at', 'calls_resolved.ended_at') }}
        end as talk_seconds,
        case
            when calls_resolved.direction = 'inbound' and calls_resolved.answered_at is not null
                then {{ epoch_seconds_between('calls_resolved.started_at', 'calls_resolved.answered_at') }}
        end as wait_seconds,
        calls_resolved.duration_seconds,

        -- timestamps
        calls_resolved.started_at,
        calls_resolved.answered_at,
        calls_resolved.ended_at,
        {{ reporting_date('calls_resolved.started_at') }} as started_date,
        calls_resolved.loaded_at,
        -- When this row was (re)computed: fct_calls re-processes what changed.
        {{ run_timestamp() }} as processed_at,
        -- Speed to lead (kpis.md): an answered inbound call responds at its answer,
        -- an outbound call at its start (an attempt is a response).
        case
            when calls_resolved.direction = 'inbound' then calls_resolved.answered_at
            else calls_resolved.started_at
        end as responded_at
    from calls_resolved
    left join int_business_lines_classified
        on calls_resolved.business_line = int_business_lines_classified.business_line
),

conversation_interactions as (
    select
        -- ids
        'conversation_' || fct_conversations.conversation_id as interaction_id,
        'message' as interaction_type,
        fct_conversations.source_system,
        fct_conversations.conversation_id as source_id,
        cast(null as bigint) as source_sequence,
        fct_conversations.agent_id,
        cast(null as varchar) as telephony_user_id,
        cast(null as varchar) as telephony_number_id,

        -- business line and customer
        fct_conversations.business_line,
        fct_conversations.channel_group,
        fct_conversations.channel,
        fct_conversations.channel_label,
        fct_conversations.customer_number_e164,
        fct_conversations.direction,

        -- outcome: handled when an agent wrote (automation never handles)
        fct_conversations.is_handled as is_answered,
        fct_conversations.is_handled,
        false as is_missed,
        cast(null as varchar) as missed_reason,
        false as has_voicemail,
        false as is_archived,
        cast(null as varchar) as call_status,

        -- durations
        cast(null as bigint) as talk_seconds,
        cast(null as bigint) as wait_seconds,
        cast(null as integer) as duration_seconds,

        -- timestamps
        fct_conversations.started_at,
        cast(null as timestamptz) as answered_at,
        fct_conversations.last_message_at as ended_at,
        fct_conversations.started_date,
        fct_conversations.loaded_at,
        {{ run_timestamp() }} as processed_at,
        -- The response instant of a conversation is its agent's first message.
        fct_conversations.first_agent_message_at as responded_at
    from fct_conversations
),

interactions as (
    select * from call_interactions
    union all
    select * from conversation_interactions
)

select * from interactions
