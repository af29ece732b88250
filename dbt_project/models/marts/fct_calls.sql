{{
    config(
        materialized='incremental',
        unique_key='call_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}
{# grain: one row per telephony call, with the missed-call callback outcome #}
with

fct_interactions as (
    select * from {{ ref('fct_interactions') }}
),

calls as (
    select *
    from fct_interactions
    where fct_interactions.interaction_type = 'call'
),

calls_in_scope as (
    select calls.*
    from calls
    {% if is_incremental() %}
        -- A call (re)computed since the last run can be the callback of a missed
        -- call up to 24 h older: every call from 24 h before the earliest one is redone.
        where calls.started_at >= (
                select min(changed.started_at) - interval 24 hours
                from calls as changed
                where changed.processed_at > (select max(this.processed_at) from {{ this }} as this)
            )
    {% endif %}
),

callback_candidates as (
    -- kpis.md: an outbound call to the number (answered or not) or an answered
    -- inbound call from it.
    select
        calls_in_scope.customer_number_e164,
        calls_in_scope.started_at
    from calls_in_scope
    where calls_in_scope.customer_number_e164 is not null
        and (calls_in_scope.direction = 'outbound' or calls_in_scope.is_answered)
),

missed_callbacks as (
    -- Only a valid caller number can be called back (never anonymous); the
    -- callback starts strictly after the missed call, windows are inclusive.
    select
        calls_in_scope.source_id as call_id,
        min(callback_candidates.started_at) as first_callback_at
    from calls_in_scope
    inner join callback_candidates
        on calls_in_scope.customer_number_e164 = callback_candidates.customer_number_e164
            and calls_in_scope.started_at < callback_candidates.started_at
            and callback_candidates.started_at <= calls_in_scope.started_at + interval 24 hours
    where calls_in_scope.is_missed
    group by calls_in_scope.source_id
),

calls_with_callbacks as (
    select
        calls_in_scope.source_id as call_id,
        calls_in_scope.interaction_id,
        calls_in_scope.agent_id,
        calls_in_scope.telephony_user_id,
        calls_in_scope.telephony_number_id,
        calls_in_scope.business_line,
        calls_in_scope.channel_group,
        calls_in_scope.channel,
        calls_in_scope.channel_label,
        calls_in_scope.customer_number_e164,
        calls_in_scope.direction,
        calls_in_scope.call_status,
        calls_in_scope.is_answered,
        calls_in_scope.is_missed,
        calls_in_scope.missed_reason,
        coalesce(calls_in_scope.missed_reason = 'out_of_opening_hours', false) as is_missed_out_of_hours,
        calls_in_scope.has_voicemail,
        calls_in_scope.is_archived,
        calls_in_scope.talk_seconds,
        calls_in_scope.wait_seconds,
        calls_in_scope.duration_seconds,
        calls_in_scope.started_at,
        calls_in_scope.answered_at,
        calls_in_scope.ended_at,
        calls_in_scope.started_date,
        missed_callbacks.first_callback_at,
        coalesce(
            missed_callbacks.first_callback_at <= calls_in_scope.started_at + interval 1 hour, false
        ) as is_missed_called_back_1h,
        missed_callbacks.first_callback_at is not null as is_missed_called_back_24h,
        calls_in_scope.loaded_at,
        calls_in_scope.processed_at
    from calls_in_scope
    left join missed_callbacks
        on calls_in_scope.source_id = missed_callbacks.call_id
)

select * from calls_with_callbacks
