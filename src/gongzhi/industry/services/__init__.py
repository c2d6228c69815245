"""The industry app's rules and writes, one module per concern (decision 41): ``enterprises``
(the 统一社会信用代码 check, creating and updating an enterprise), ``coverage`` (两个覆盖, the 三有
rule, the gap list, coverage over time), ``chains`` (local supply and logistics saving),
``evaluations`` (五个好). Views, the API, the back office and the demo call these."""
