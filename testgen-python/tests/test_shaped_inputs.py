"""A parameter named for what it holds (``url``, ``email``, ``version``) gets strings of that
shape, first: generic words never reach the code that takes a URL apart."""

from __future__ import annotations

from testgen_python.plugin import Python

PYTHON = Python()

URLS = '''
def port_of(url):
    """The port of a URL, or None."""
    if "://" not in url:
        return None
    rest = url.split("://", 1)[1]
    netloc = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    if ":" in netloc:
        return int(netloc.rsplit(":", 1)[1])
    return None
'''


def test_a_url_parameter_gets_urls_that_reach_the_port(project):
    from testgen.sandbox import shadow_workspace

    project.write("urls.py", URLS)
    definitions = project.definitions("urls.py")
    with shadow_workspace(project.root) as ws:
        probes = PYTHON.probe(definitions=definitions, workspace=ws, test_type="unit")
    returned = {p.call: p.value for p in probes if p.outcome == "return"}
    assert "8080" in returned.values(), returned
    assert any(call.startswith("port_of('https://") for call in returned), returned


VERSIONS = '''
class Version:
    """A dotted version number."""

    def __init__(self, version):
        self.parts = [int(part) for part in version.split(".")]

    def minor(self):
        return self.parts[1]
'''


def test_a_receiver_is_built_from_the_strings_its_constructors_parameter_names(project):
    from testgen.sandbox import shadow_workspace

    project.write("versions.py", VERSIONS)
    definitions = project.definitions("versions.py")
    with shadow_workspace(project.root) as ws:
        probes = PYTHON.probe(definitions=definitions, workspace=ws, test_type="unit")
    minors = [p for p in probes if p.definition.endswith("Version.minor")]
    assert any(p.outcome == "return" and p.value == "2" and "'1.2.3'" in "".join(p.setup)
               for p in minors), [(p.setup, p.call, p.outcome, p.reason) for p in minors]
