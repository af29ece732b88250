{#- One parse per record. `json_extract_string` with a list of paths reads the document once;
    one `->>` per field parses it again for every field, which made parsing a year of calls
    six times slower (benchmarks/README.md). `json_fields` extracts the listed paths into a
    list; `json_field` reads one of them back by its path. -#}
{% macro json_fields(expression, paths) -%}
    {%- set quoted = [] -%}
    {%- for path in paths -%}{%- do quoted.append("'$." ~ path ~ "'") -%}{%- endfor -%}
    json_extract_string({{ expression }}, [{{ quoted | join(', ') }}])
{%- endmacro %}

{% macro json_field(fields, paths, path) -%}
    {{ fields }}[{{ paths.index(path) + 1 }}]
{%- endmacro %}
