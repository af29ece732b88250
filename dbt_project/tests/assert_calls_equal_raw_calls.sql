-- kpis.md invariant: SUM(calls) over kpi_calls_daily = calls in the telephony source
-- (anonymous callers and archived calls included), counted straight from the raw layer.
with

exported as (
    select coalesce(sum(calls), 0) as calls
    from {{ ref('kpi_calls_daily') }}
),

telephony as (
    select count(*) as raw_calls
    from {{ source('aircall', 'calls') }}
)

select *
from exported
cross join telephony
where exported.calls != telephony.raw_calls
