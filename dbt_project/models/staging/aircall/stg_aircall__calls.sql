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
{%- set paths = [
    'user.id', 'number.id', 'direction', 'status', 'raw_digits', 'number.digits',
    'missed_call_reason', 'duration', 'voicemail', 'archived', 'started_at', 'answered_at',
    'ended_at', 'user.name', 'user.email',
] -%}
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

parsed as (
    select
        source.id,
        source._loaded_at,
        {{ json_fields('source.record', paths) }} as fields
    from source
),

renamed as (
    select
        -- ids
        cast(parsed.id as varchar) as call_id,
        -- `user` is absent on unanswered inbound calls.
        nullif(trim({{ json_field('parsed.fields', paths, 'user.id') }}), '') as user_id,
        nullif(trim({{ json_field('parsed.fields', paths, 'number.id') }}), '') as number_id,

        -- strings (phones stay as printed; int_phone_numbers_normalised parses them)
        {{ json_field('parsed.fields', paths, 'direction') }} as direction,
        {{ json_field('parsed.fields', paths, 'status') }} as call_status,
        nullif(trim({{ json_field('parsed.fields', paths, 'raw_digits') }}), '') as customer_number_raw,
        nullif(trim({{ json_field('parsed.fields', paths, 'number.digits') }}), '') as line_digits_raw,
        nullif(trim({{ json_field('parsed.fields', paths, 'missed_call_reason') }}), '') as missed_reason,

        -- numerics
        cast({{ json_field('parsed.fields', paths, 'duration') }} as integer) as duration_seconds,

        -- booleans
        -- The URL is short-lived and never kept; only its presence is.
        nullif(trim({{ json_field('parsed.fields', paths, 'voicemail') }}), '') is not null as has_voicemail,
        coalesce(cast({{ json_field('parsed.fields', paths, 'archived') }} as boolean), false) as is_archived,

        -- timestamps
        {{ epoch_seconds_to_timestamp(json_field('parsed.fields', paths, 'started_at')) }} as started_at,
        {{ epoch_seconds_to_timestamp(json_field('parsed.fields', paths, 'answered_at')) }} as answered_at,
        {{ epoch_seconds_to_timestamp(json_field('parsed.fields', paths, 'ended_at')) }} as ended_at,
        parsed._loaded_at as loaded_at,

        -- strings: the agent as the call names it, for users no longer in the users list
        nullif(trim({{ json_field('parsed.fields', paths, 'user.name') }}), '') as user_name,
        nullif(trim({{ json_field('parsed.fields', paths, 'user.email') }}), '') as user_email

    from parsed
)

select * from renamed
