"""The kit for language authors: what every language needs and none should write again.

* :mod:`testgen.kit.header` — the generated-file header and the marker the core looks for;
* :mod:`testgen.kit.templates` — the Jinja2 template environment (project and user overrides
  first, then the plugin's own pack);
* :mod:`testgen.kit.selection` — which probes make a test of each test type, and test names;
* :mod:`testgen.kit.probehost` — the host side of a probe harness: one JSON-lines protocol,
  per-call limits, and a relaunch without the call that hung;
* :mod:`testgen.kit.inverses` — which two definitions undo each other by name
  (``encode``/``decode``), for feeding one's results to the other and checking round trips;
* :mod:`testgen.kit.shapes` — strings shaped like what a name says it holds (URLs for ``url``,
  versions for ``version``), which reach a parser's paths past its first check.

Like ``testgen.model`` and ``testgen.language``, these modules are public and stable for
plugins; nothing here knows any one language.
"""
