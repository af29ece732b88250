{#- HubSpot datetimes are ISO-8601 strings; some older objects send epoch
    milliseconds as text. Both become a UTC timestamptz. -#}
{% macro hubspot_timestamp(expression) -%}
    case
        when nullif(trim({{ expression }}), '') is null then null
        when regexp_full_match(trim({{ expression }}), '[0-9]+')
            then make_timestamptz(cast(trim({{ expression }}) as bigint) * 1000)
        else cast(trim({{ expression }}) as timestamptz)
    end
{%- endmacro %}

{#- Aircall sends UNIX seconds. -#}
{% macro epoch_seconds_to_timestamp(expression) -%}
    make_timestamptz(cast({{ expression }} as bigint) * 1000000)
{%- endmacro %}

{#- Local calendar day / first day of the month in the reporting zone.
    timezone(zone, timestamptz) gives the local wall-clock time, DST included. -#}
{% macro reporting_date(expression) -%}
    cast(timezone('{{ var("REPORTING_TIMEZONE") }}', {{ expression }}) as date)
{%- endmacro %}

{% macro reporting_month(expression) -%}
    cast(date_trunc('month', timezone('{{ var("REPORTING_TIMEZONE") }}', {{ expression }})) as date)
{%- endmacro %}

{#- "Now" is the run's start, identical in every model of one invocation.
    The RUN_AT var (a UTC `YYYY-MM-DD HH:MM:SS`) pins it, so that a golden
    test gets the same retention months and open-deal windows in any month
    (tests/end_to_end/test_exports_unchanged.py); unset in production. -#}
{% macro run_timestamp() -%}
    {%- set pinned = var('RUN_AT', '') -%}
    {%- if pinned -%}
        cast('{{ pinned }}+00' as timestamptz)
    {%- else -%}
        cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}+00' as timestamptz)
    {%- endif -%}
{%- endmacro %}

{% macro epoch_seconds_between(start_expression, end_expression) -%}
    cast(epoch({{ end_expression }}) - epoch({{ start_expression }}) as bigint)
{%- endmacro %}

{#- Pipedrive v2 sends RFC3339 strings (`2024-05-02T08:12:44Z`), v1 users
    `YYYY-MM-DD HH:MM:SS` in UTC (the session zone); both become a UTC timestamptz. -#}
{% macro rfc3339_timestamp(expression) -%}
    cast(nullif(trim({{ expression }}), '') as timestamptz)
{%- endmacro %}
