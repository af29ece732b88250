{#- The group key of kpi_calls_daily (besides the date), hashed: both sides of its per-day
    checksum must hash exactly the same columns, or every day would look changed. -#}
{% macro calls_daily_group_hash(alias) -%}
    cast(hash(
        {{ alias }}.channel_group, {{ alias }}.channel, {{ alias }}.channel_label,
        {{ alias }}.business_line, {{ alias }}.agent_id, {{ alias }}.direction
    ) as hugeint)
{%- endmacro %}
