"""The parts of the offline writer (``offline.py``), one concern each.

* :mod:`.target` — the definition under test and how a test calls it;
* :mod:`.rows` — which probes a test uses and which of their rows it keeps;
* :mod:`.naming` — names of tests and of table rows;
* :mod:`.gocode` — Go text: string literals, the call, comparisons, error checks;
* :mod:`.columns` — the columns of a table, from what the probes observed;
* :mod:`.table` — the table-driven test (``tests := []struct{...}`` run with ``t.Run``);
* :mod:`.panics` — the table of recovered panics;
* :mod:`.sequence` — integration tests: one subtest per call sequence on a built value.
"""
