{#- Custom schema names are used as is (staging, intermediate, marts): the
    Looker Studio exports and the recomputation test read `marts.kpi_*`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
