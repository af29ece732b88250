{# grain: one row per business messaging endpoint x messaging channel #}
{#- A messaging line is the business endpoint of a conversation: the E.164 number of
    the WhatsApp or SMS sender, or the chat service id for web chat. One number can
    carry both WhatsApp and SMS, and be a phone line too (int_business_lines_classified).
    The seed renames the channel per business line, as for phone lines; the group stays
    messaging. -#}
with

int_messages_threaded as (
    select * from {{ ref('int_messages_threaded') }}
),

channel_mapping as (
    select * from {{ ref('channel_mapping') }}
),

lines as (
    select distinct
        int_messages_threaded.business_line,
        int_messages_threaded.channel as message_channel
    from int_messages_threaded
    where int_messages_threaded.business_line is not null
),

classified as (
    select
        lines.business_line,
        lines.message_channel,
        'messaging' as channel_group,
        coalesce(channel_mapping.channel, lines.message_channel) as channel,
        coalesce(channel_mapping.channel_label, {{ channel_label('lines.message_channel') }}) as channel_label,
        channel_mapping.business_line is not null as is_channel_mapped
    from lines
    left join channel_mapping
        on lines.business_line = trim(channel_mapping.business_line)
)

select * from classified
