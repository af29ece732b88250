{#- architecture.md "number type -> channel". -#}
{% macro channel_from_number_type(number_type_expression) -%}
    case {{ number_type_expression }}
        when 'TOLL_FREE' then 'phone_toll_free'
        when 'FIXED_LINE' then 'phone_geographic'
        when 'FIXED_LINE_OR_MOBILE' then 'phone_geographic'
        when 'MOBILE' then 'phone_mobile'
        when 'PREMIUM_RATE' then 'phone_premium'
        when 'VOIP' then 'phone_national'
        when 'SHARED_COST' then 'phone_national'
        when 'UAN' then 'phone_national'
        when 'PERSONAL_NUMBER' then 'phone_national'
        else 'unknown'
    end
{%- endmacro %}

{#- One label per channel; crm_<source> reads "CRM: " + the source in
    sentence case with spaces (crm_paid_search -> "CRM: Paid search"). -#}
{% macro channel_label(channel_expression) -%}
    case
        when {{ channel_expression }} = 'phone_toll_free' then 'Toll-free number'
        when {{ channel_expression }} = 'phone_geographic' then 'Geographic number'
        when {{ channel_expression }} = 'phone_national' then 'National number (VoIP)'
        when {{ channel_expression }} = 'phone_mobile' then 'Mobile line'
        when {{ channel_expression }} = 'phone_premium' then 'Premium-rate number'
        when {{ channel_expression }} = 'whatsapp' then 'WhatsApp'
        when {{ channel_expression }} = 'sms' then 'SMS'
        when {{ channel_expression }} = 'web_chat' then 'Web chat'
        when {{ channel_expression }} = 'outbound_call' then 'Outbound call'
        when {{ channel_expression }} = 'outbound_message' then 'Outbound message'
        when starts_with({{ channel_expression }}, 'crm_')
            then 'CRM: '
            || upper(substr(replace(substr({{ channel_expression }}, 5), '_', ' '), 1, 1))
            || substr(replace(substr({{ channel_expression }}, 5), '_', ' '), 2)
        else 'Unknown'
    end
{%- endmacro %}

{#- The channels kpis.md names; crm_* and seed channels are checked apart. -#}
{% macro taxonomy_channels() -%}
    {{ return(['phone_toll_free', 'phone_geographic', 'phone_national',
               'phone_mobile', 'phone_premium', 'whatsapp', 'sms', 'web_chat',
               'outbound_call', 'outbound_message', 'unknown']) }}
{%- endmacro %}
