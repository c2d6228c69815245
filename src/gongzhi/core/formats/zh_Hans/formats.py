# Amounts in yuan as the park's ledgers and statements print them: 1,500,000 (groups of three,
# with a comma). Django's zh_Hans groups by four without a separator, which reads as no grouping
# at all; only numbers asked to be grouped (intcomma, floatformat "g") change. Everything else
# comes from Django's own zh_Hans formats.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
