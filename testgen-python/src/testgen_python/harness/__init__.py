"""The probe harness: execute the definitions of one module on generated inputs and report
what happens.

Launched inside the sandbox as ``python -m testgen_python.harness`` by the project's
interpreter, so it imports only the standard library. It reads the plan of
:mod:`testgen.kit.probehost` on stdin: the module and the budget, ``limits`` (``call_ms``, the
alarm on one call), ``shaped`` (per parameter name of the file, the strings of the shape it
names, from :mod:`testgen.kit.shapes` on the host; none when it is missing) and ``calls``, one
per definition (``id`` and what locates it). It writes the kit's records, one JSON object per
line, on its original stdout (the code under test gets a stdout of its own):

    {"event": "fatal", "reason": "...", "kind": "syntax", "message": "..."}
    {"event": "loaded", "file": "/.../module.py"}
    {"event": "start", "id": 0}
    {"event": "probe", "id": 0, "definition": key, "args": [...], "outcome": "return", ...}
    {"event": "result", "id": 0, "probes": 7}
    {"event": "done"}

``fatal`` means the module does not import (nothing else follows but ``done``); ``probe`` is
one input tried (any number per call, the last one a ``timeout`` or ``crash`` when the child
was killed or died); ``result`` closes the call.

How it stays safe and useful:

* The module is imported once, with ``os._exit`` disarmed, an alarm against endless loops and
  every exception (``SystemExit`` included) turned into a reason.
* Each definition runs in a forked child, so a crash, a hang or a polluted global in one
  definition never touches the next. An audit hook in the child refuses network, subprocesses
  and file changes outside temp dirs; clock and randomness reads are flagged. Such calls become
  ``skipped`` probes with the reason.
* Inputs come from type hints, defaults, constants in the code, parameter names and how the
  body uses each parameter, doctest examples, per-type boundary values, the results of the
  module's other definitions, and strings grown from those that ran new lines. A line tracer records
  which lines of the target file each call ran; the search keeps trying new inputs while lines
  of the definition stay uncovered, within a budget of calls and seconds.
* Values are reported as source literals that evaluate back to an equal value, with the imports
  they need; anything else is reported as not comparable.

One module per concept, each importing only the standard library and its siblings:

* :mod:`.protocol` — the JSON-lines channel to the host;
* :mod:`.guards` — the audit hook and the flags on clock, randomness and ``sys.argv``;
* :mod:`.tracing` — which lines a call ran, and which it could run;
* :mod:`.constants` — the constants a function's code reads (inputs worth trying);
* :mod:`.regex_samples` — strings that match the regular expressions the code uses;
* :mod:`.literals` — values as source text that evaluates back to an equal value;
* :mod:`.inputs` — candidate arguments per parameter (from hints, names, lengths the code
  compares with, …);
* :mod:`.produced` — what the module's definitions returned, as inputs to the others, and the
  round trip through an inverse;
* :mod:`.fuzz` — strings grown from the ones that ran new lines (a coverage-guided search);
* :mod:`.explorer` — the call loop of one definition, steered by uncovered lines, within its
  budget;
* :mod:`.context`, :mod:`.construction`, :mod:`.execution` — what the explorers of one module
  share: resolving a definition, building instances, and running one call under the guards;
* :mod:`.process` — importing the target, one forked child per definition, per-definition
  limits, and relaying the children's records (``__main__`` runs it, and reports a failure of
  the harness itself).

The host copies this folder into the sandbox's boot directory (see
:func:`testgen_python.interpreter.boot_dir`).
"""
