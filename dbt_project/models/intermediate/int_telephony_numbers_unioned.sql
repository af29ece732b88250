{{ config(materialized='view') }}
{# grain: one row per telephony number (business line as the source lists it), of every telephony source #}
with

stg_aircall__numbers as (
    select * from {{ ref('stg_aircall__numbers') }}
),

aircall_numbers as (
    select
        'aircall' as source_system,
        stg_aircall__numbers.number_id,
        stg_aircall__numbers.line_name,
        stg_aircall__numbers.line_digits_raw,
        stg_aircall__numbers.country_code,
        stg_aircall__numbers.line_time_zone,
        stg_aircall__numbers.is_ivr,
        stg_aircall__numbers.created_at,
        stg_aircall__numbers.loaded_at
    from stg_aircall__numbers
),

unioned as (
    select * from aircall_numbers
)

select * from unioned
