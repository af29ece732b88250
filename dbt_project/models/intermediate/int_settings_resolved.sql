{# grain: one row (the settings of this run) #}
{#- Python models cannot render dbt vars (a var defaulting to env_var() reaches
    them unrendered), so they read the resolved settings from this row. -#}
with

resolved as (
    select
        '{{ var("REPORTING_TIMEZONE") }}' as reporting_timezone,
        upper('{{ var("REPORTING_CURRENCY") }}') as reporting_currency,
        upper('{{ var("DEFAULT_PHONE_REGION") }}') as default_phone_region,
        cast({{ var("FIRST_TOUCH_GRACE_HOURS") }} as integer) as first_touch_grace_hours,
        cast({{ var("INCREMENTAL_LOOKBACK_HOURS") }} as integer) as incremental_lookback_hours
)

select * from resolved
