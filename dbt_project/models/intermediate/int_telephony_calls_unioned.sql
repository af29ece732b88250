{{ config(materialized='view') }}
{# grain: one row per call, of every telephony source #}
{#- Seam: one `union all` branch per telephony source, the only models after
    staging that may name one. Aircall ids are kept as given (published keys
    depend on them); another source would prefix its ids `<source>:`. A view,
    so the calls are not copied once more before the incremental facts. -#}
with

stg_aircall__calls as (
    select * from {{ ref('stg_aircall__calls') }}
),

aircall_calls as (
    select
        'aircall' as source_system,
        stg_aircall__calls.call_id,
        stg_aircall__calls.user_id,
        stg_aircall__calls.number_id,
        stg_aircall__calls.direction,
        stg_aircall__calls.call_status,
        stg_aircall__calls.customer_number_raw,
        stg_aircall__calls.line_digits_raw,
        stg_aircall__calls.missed_reason,
        stg_aircall__calls.duration_seconds,
        stg_aircall__calls.has_voicemail,
        stg_aircall__calls.is_archived,
        stg_aircall__calls.started_at,
        stg_aircall__calls.answered_at,
        stg_aircall__calls.ended_at,
        stg_aircall__calls.loaded_at,
        stg_aircall__calls.user_name,
        stg_aircall__calls.user_email
    from stg_aircall__calls
),

unioned as (
    select * from aircall_calls
)

select * from unioned
