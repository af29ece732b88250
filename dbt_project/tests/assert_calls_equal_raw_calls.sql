{# Shown in Dagster as a check on kpi_calls_daily (a singular test with several inputs
   needs one named). #}
{{ config(meta={'dagster': {'ref': {'name': 'kpi_calls_daily'}}}) }}

-- kpis.md invariant: SUM(calls) over kpi_calls_daily = calls in the telephony source
-- (anonymous callers and archived calls included), counted straight from the raw layer.
with

exported as (
    select coalesce(sum(kpi_calls_daily.calls), 0) as calls
    from {{ ref('kpi_calls_daily') }} as kpi_calls_daily
),

telephony as (
    select count(raw_aircall_calls.id) as raw_calls
    from {{ source('aircall', 'calls') }} as raw_aircall_calls
)

select
    exported.calls,
    telephony.raw_calls
from exported
cross join telephony
where exported.calls != telephony.raw_calls
