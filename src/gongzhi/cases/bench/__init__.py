"""`gongzhi bench`: the product's claims as numbers, beside the limit of the same machine.

``data`` builds the data set in bulk (the demo's territory, agencies and accounts through
``core.demo.DemoBuilder``, then N cases over two years written straight into the tables),
``measures`` times each key of issue 12's table, ``report`` writes the JSON report and its
Markdown table. It lives in the cases app because nearly everything it builds and times is
the cases app's own tables and queries, and cases sits above territory, people and party, so
it may read all of them (docs/decisions.md 43).
"""
