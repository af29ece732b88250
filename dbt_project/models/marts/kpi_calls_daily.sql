{{
    config(
        materialized='incremental',
        unique_key='date',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=[
            "delete from {{ this }} as this where not exists ("
            " select 1 from {{ ref('fct_calls') }} as fct_calls"
            " where fct_calls.started_date = this.date)",
        ],
    )
}}
{# grain: one row per date x business_line x agent_id x direction #}
{#- A nightly rewrites only the days whose calls changed, found by comparing each day's
    checksum in fct_calls with the same checksum over this table's rows. No watermark: a
    run that built fct_calls and then failed before this model is caught up by the next
    one. A day left with no calls is dropped by the post-hook. -#}
with

fct_calls as (
    select * from {{ ref('fct_calls') }}
),

dim_agents as (
    select * from {{ ref('dim_agents') }}
),

-- The incremental-only blocks below confuse sqlfluff's indentation rule (LT02).
-- noqa: disable=LT02
{% if is_incremental() %}
day_checksums_of_calls as (
    -- Each measure weighted by a hash of the row's group: equal sums mean the same
    -- groups with the same counts (up to a hash collision).
    select
        keyed.started_date as date,
        sum(keyed.group_hash) as calls,
        sum(keyed.group_hash) filter (where keyed.is_answered) as answered_calls,
        sum(keyed.group_hash) filter (where keyed.is_missed) as missed_calls,
        sum(keyed.group_hash) filter (where keyed.is_missed and keyed.is_missed_out_of_hours)
            as missed_out_of_hours,
        sum(keyed.group_hash) filter (where keyed.has_voicemail) as voicemails,
        sum(keyed.group_hash * coalesce(keyed.talk_seconds, 0)) as talk_seconds,
        sum(keyed.group_hash * coalesce(keyed.wait_seconds, 0)) as wait_seconds,
        sum(keyed.group_hash) filter (where keyed.is_missed_called_back_1h) as missed_called_back_1h,
        sum(keyed.group_hash) filter (where keyed.is_missed_called_back_24h) as missed_called_back_24h
    from (
        select
            fct_calls.*,
            {{ calls_daily_group_hash('fct_calls') }} as group_hash
        from fct_calls
    ) as keyed
    group by keyed.started_date
),

day_checksums_of_this as (
    select
        keyed.date,
        sum(keyed.group_hash * keyed.calls) as calls,
        sum(keyed.group_hash * keyed.answered_calls) as answered_calls,
        sum(keyed.group_hash * keyed.missed_calls) as missed_calls,
        sum(keyed.group_hash * keyed.missed_out_of_hours) as missed_out_of_hours,
        sum(keyed.group_hash * keyed.voicemails) as voicemails,
        sum(keyed.group_hash * keyed.talk_seconds) as talk_seconds,
        sum(keyed.group_hash * keyed.wait_seconds) as wait_seconds,
        sum(keyed.group_hash * keyed.missed_called_back_1h) as missed_called_back_1h,
        sum(keyed.group_hash * keyed.missed_called_back_24h) as missed_called_back_24h,
        -- A renamed agent or a team change rewrites the days the agent has rows on.
        bool_or(
            keyed.agent_name is distinct from dim_agents.agent_name
            or keyed.team is distinct from dim_agents.team
        ) as has_stale_agent
    from (
        select
            this.*,
            {{ calls_daily_group_hash('this') }} as group_hash
        from {{ this }} as this
    ) as keyed
    left join dim_agents
        on keyed.agent_id = dim_agents.agent_id
    group by keyed.date
),

changed_days as (
    select coalesce(calls_side.date, this_side.date) as date
    from day_checksums_of_calls as calls_side
    full outer join day_checksums_of_this as this_side
        on calls_side.date = this_side.date
    where this_side.date is null
        or calls_side.date is null
        or this_side.has_stale_agent
        or coalesce(calls_side.calls, 0) <> coalesce(this_side.calls, 0)
        or coalesce(calls_side.answered_calls, 0) <> coalesce(this_side.answered_calls, 0)
        or coalesce(calls_side.missed_calls, 0) <> coalesce(this_side.missed_calls, 0)
        or coalesce(calls_side.missed_out_of_hours, 0) <> coalesce(this_side.missed_out_of_hours, 0)
        or coalesce(calls_side.voicemails, 0) <> coalesce(this_side.voicemails, 0)
        or coalesce(calls_side.talk_seconds, 0) <> coalesce(this_side.talk_seconds, 0)
        or coalesce(calls_side.wait_seconds, 0) <> coalesce(this_side.wait_seconds, 0)
        or coalesce(calls_side.missed_called_back_1h, 0) <> coalesce(this_side.missed_called_back_1h, 0)
        or coalesce(calls_side.missed_called_back_24h, 0) <> coalesce(this_side.missed_called_back_24h, 0)
),

{% endif %}
calls_in_scope as (
    select fct_calls.*
    from fct_calls
    {% if is_incremental() %}
        where fct_calls.started_date in (select changed_days.date from changed_days)
    {% endif %}
),

aggregated as (
    -- The channel columns are the business line's, for outbound calls too.
    select
        calls_in_scope.started_date as date,
        calls_in_scope.channel_group,
        calls_in_scope.channel,
        calls_in_scope.channel_label,
        calls_in_scope.business_line,
        calls_in_scope.agent_id,
        calls_in_scope.direction,
        count(*) as calls,
        count(*) filter (where calls_in_scope.is_answered) as answered_calls,
        count(*) filter (where calls_in_scope.is_missed) as missed_calls,
        count(*) filter (
            where calls_in_scope.is_missed and calls_in_scope.is_missed_out_of_hours
        ) as missed_out_of_hours,
        count(*) filter (where calls_in_scope.has_voicemail) as voicemails,
        coalesce(sum(calls_in_scope.talk_seconds), 0) as talk_seconds,
        coalesce(sum(calls_in_scope.wait_seconds), 0) as wait_seconds,
        count(*) filter (where calls_in_scope.is_missed_called_back_1h) as missed_called_back_1h,
        count(*) filter (where calls_in_scope.is_missed_called_back_24h) as missed_called_back_24h
    from calls_in_scope
    group by all
),

final as (
    select
        aggregated.date,
        aggregated.channel_group,
        aggregated.channel,
        aggregated.channel_label,
        aggregated.business_line,
        aggregated.agent_id,
        dim_agents.agent_name,
        dim_agents.team,
        aggregated.direction,
        cast(aggregated.calls as bigint) as calls,
        cast(aggregated.answered_calls as bigint) as answered_calls,
        cast(aggregated.missed_calls as bigint) as missed_calls,
        cast(aggregated.missed_out_of_hours as bigint) as missed_out_of_hours,
        cast(aggregated.voicemails as bigint) as voicemails,
        cast(aggregated.talk_seconds as bigint) as talk_seconds,
        cast(aggregated.wait_seconds as bigint) as wait_seconds,
        cast(aggregated.missed_called_back_1h as bigint) as missed_called_back_1h,
        cast(aggregated.missed_called_back_24h as bigint) as missed_called_back_24h
    from aggregated
    left join dim_agents
        on aggregated.agent_id = dim_agents.agent_id
    order by aggregated.date, aggregated.business_line, aggregated.agent_id, aggregated.direction
)

select * from final
