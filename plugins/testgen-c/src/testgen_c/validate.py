"""Validate: compile and link a generated test program with gcc, as a run would build it."""

from __future__ import annotations

from testgen.model import Diagnostic, TestFile, ValidationResult, Workspace

from .assemble import test_blocks
from .build import binary_name, compile_program, first_error, messages
from .project import require_compiler


def validate(test_file: TestFile, workspace: Workspace) -> ValidationResult:
    """Compile and link the test program; blame each error on the test block it is in."""
    require_compiler("compile C tests")
    binary = workspace.scratch / "c-validate" / binary_name(test_file.path)
    built = compile_program(workspace, workspace.path(test_file.path), binary)
    if built.ok:
        return ValidationResult(ok=True, output=built.output)
    blocks = test_blocks(test_file.content)
    by_name = {name.split("::")[-1]: cid for name, cid in test_file.test_ids.items()}
    diagnostics = []
    for message in messages(built.output):
        candidate = None
        if message.file.endswith(test_file.path):
            for name, (first, last) in blocks.items():
                if first <= message.line <= last:
                    candidate = by_name.get(name)
        diagnostics.append(Diagnostic(message=message.message, file=message.file,
                                      line=message.line, candidate=candidate))
    if not diagnostics:
        diagnostics.append(Diagnostic(message=first_error(built.output)))
    return ValidationResult(ok=False, diagnostics=diagnostics, output=built.output)
