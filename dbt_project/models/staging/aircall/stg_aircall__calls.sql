{{
    config(
        materialized='incremental',
        unique_key='call_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}
{# grain: one row per Aircall call #}
{#- A table, filled incrementally: each landed call's JSON is parsed once, not by every
    model and test that reads calls (a view re-parsed the year's calls six times a run).
    Rows landed within the lookback before the last load are re-read, so a late or
    re-written call is never skipped; `forget` rebuilds it in full after scrubbing raw. -#}
with

source as (
    select * from {{ source('aircall', 'calls') }} as raw_calls
    {% if is_incremental() %}
        where raw_calls._loaded_at > (
                select max(this.loaded_at) - to_hours(cast({{ var('INCREMENTAL_LOOKBACK_HOURS') }} as bigint))
                from {{ this }} as this
            )
    {% endif %}
),

renamed as (
    select
        -- ids
        cast(source.id as varchar) as call_id,
        -- `user` is absent on unanswered inbound calls.
        nullif(trim(source.record ->> '$.user.id'), '') as user_id,
        nullif(trim(source.record ->> '$.number.id'), '') as number_id,

        -- strings (phones stay as printed; int_phone_numbers_normalised parses them)
        source.record ->> '$.direction' as direction,
        source.record ->> '$.status' as call_status,
        nullif(trim(source.record ->> '$.raw_digits'), '') as customer_number_raw,
        nullif(trim(source.record ->> '$.number.digits'), '') as line_digits_raw,
        nullif(trim(source.record ->> '$.missed_call_reason'), '') as missed_reason,

        -- numerics
        cast(source.record ->> '$.duration' as integer) as duration_seconds,

        -- booleans
        -- The URL is short-lived and never kept; only its presence is.
        nullif(trim(source.record ->> '$.voicemail'), '') is not null as has_voicemail,
        coalesce(cast(source.record ->> '$.archived' as boolean), false) as is_archived,

        -- timestamps
        {{ epoch_seconds_to_timestamp("source.record ->> '$.started_at'") }} as started_at,
        {{ epoch_seconds_to_timestamp("source.record ->> '$.answered_at'") }} as answered_at,
        {{ epoch_seconds_to_timestamp("source.record ->> '$.ended_at'") }} as ended_at,
        source._loaded_at as loaded_at,

        -- strings: the agent as the call names it, for users no longer in the users list
        nullif(trim(source.record ->> '$.user.name'), '') as user_name,
        nullif(trim(source.record ->> '$.user.email'), '') as user_email

    from source
)

select * from renamed
