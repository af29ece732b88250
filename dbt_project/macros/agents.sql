{#- architecture.md: agent_id is the first 12 hex of md5(lower(trim(email))),
    else a system-prefixed id, so it is stable across runs. -#}
{% macro agent_id(email_expression, fallback_expression) -%}
    case
        when nullif(trim({{ email_expression }}), '') is not null
            then substr(md5(lower(trim({{ email_expression }}))), 1, 12)
        else {{ fallback_expression }}
    end
{%- endmacro %}
