{# grain: one row per business line x medium (voice, or a messaging channel) #}
{#- One company number can be a phone line and a WhatsApp and SMS sender at once:
    each use is its own line, with its own channel. -#}
with

int_business_lines_classified as (
    select * from {{ ref('int_business_lines_classified') }}
),

int_messaging_lines_classified as (
    select * from {{ ref('int_messaging_lines_classified') }}
),

phone_lines as (
    select
        int_business_lines_classified.*,
        'voice' as medium
    from int_business_lines_classified
),

messaging_lines as (
    select
        int_messaging_lines_classified.business_line,
        cast(null as varchar) as line_name,
        cast(null as varchar[]) as number_ids,
        cast(null as varchar) as number_type,
        int_messaging_lines_classified.channel_group,
        int_messaging_lines_classified.channel,
        int_messaging_lines_classified.channel_label,
        int_messaging_lines_classified.is_channel_mapped,
        int_messaging_lines_classified.message_channel as medium
    from int_messaging_lines_classified
),

unioned as (
    select * from phone_lines
    union all
    select * from messaging_lines
)

select * from unioned
