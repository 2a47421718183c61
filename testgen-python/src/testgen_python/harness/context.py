"""What the explorers of one module share: the module, its namespace, the input factory, the
tracer and the budget; and how a definition's qualified name resolves to something to call."""

from __future__ import annotations

import builtins
import datetime as _dt
import decimal
import fractions
import inspect
import math
import os
import random
import re
import sys
import types

from .constants import code_constants
from .construction import Construction
from .execution import Execution
from .fuzz import Fuzzer, alphabet
from .inputs import InputFactory
from .literals import Literals
from .produced import Produced
from .tracing import Tracer


class Context(Construction, Execution):
    """Everything shared by the explorers of one module."""

    def __init__(self, request: dict, module, module_name: str):
        self.request = request
        self.module = module
        self.module_name = module_name
        self.filename = os.path.realpath(module.__file__)
        self.literals = Literals(module, module_name)
        self.rng = random.Random(1729)
        self.inputs = InputFactory(module, self.literals, self.rng, request.get("shaped") or {})
        self.tracer = Tracer(self.filename)
        self.budget = request["budget"]
        # The plan's per-call limit (``limits.call_ms``, see testgen.kit.probehost).
        self.call_timeout = float((request.get("limits") or {}).get("call_ms") or 1000) / 1000
        self.construct_error = ""
        self._constructions: dict = {}
        self.namespace = self._namespace()
        self._fuzzer: Fuzzer | None = None
        self.produced = Produced()
        """What the definitions probed so far returned: inputs for the next ones."""

    def _namespace(self) -> dict:
        namespace = dict(vars(self.module))
        namespace.update({"Decimal": decimal.Decimal, "Fraction": fractions.Fraction,
                          "datetime": _dt, "math": math})
        top = self.module_name.split(".")[0]
        if top not in namespace and top in sys.modules:
            namespace[top] = sys.modules[top]  # docstrings say ``semver.Version.parse(...)``
        return namespace

    def fuzzer(self) -> Fuzzer:
        """The string search's generator, its alphabet read once per module."""
        if self._fuzzer is None:
            self._fuzzer = Fuzzer(self.rng, *alphabet(self.module))
        return self._fuzzer

    def command_line_flags(self) -> list:
        """Option strings (``-r``, ``--reverse``) among the module's constants."""
        flags: list = []
        for value in vars(self.module).values():
            code = getattr(value, "__code__", None)
            if code is None or getattr(value, "__module__", None) != self.module_name:
                continue
            for const in code_constants(code):
                if isinstance(const, str) and re.fullmatch(r"--?[A-Za-z][\w-]*", const) and \
                        const not in flags and const not in ("-h", "--help"):
                    flags.append(const)
        return flags

    def names_imports(self, statements: list) -> set:
        """Imports a test needs for the module-level names these statements use."""
        imports: set = set()
        names: set = set()
        for statement in statements:
            try:
                code = compile(statement, "<doctest>", "exec")
            except SyntaxError:
                continue
            stack = [code]
            while stack:
                current = stack.pop()
                names.update(current.co_names)
                stack.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
        for name in sorted(names):
            value = self.namespace.get(name)
            if value is None or hasattr(builtins, name):
                continue
            if isinstance(value, types.ModuleType):
                if value.__name__.rsplit(".", 1)[-1] == name:
                    imports.add(f"import {value.__name__}" if "." not in value.__name__
                                else f"from {value.__name__.rsplit('.', 1)[0]} import {name}")
            else:
                imports.add(f"from {self.module_name} import {name}")
        return imports

    def resolve(self, d: dict):
        """``(target, owner, how)`` for a definition; target None means skip with ``how``."""
        parts = d["qualname"].split(".")
        owner = None
        obj = self.module
        for part in parts:
            owner = obj
            try:
                obj = inspect.getattr_static(obj, part)
            except AttributeError:
                return None, None, (f"{d['qualname']} is not defined when the module is "
                                    "imported (conditional or deleted definition)")
        if isinstance(obj, type):
            if issubclass(obj, BaseException):
                return None, None, ("an exception class: tested through the code that "
                                    "raises it")
            return obj, obj, "class"
        if owner is self.module:
            if not callable(obj):
                return None, None, f"{d['qualname']} is not callable after import"
            return obj, None, "function"
        if isinstance(obj, staticmethod):
            return obj.__func__, owner, "staticmethod"
        if isinstance(obj, classmethod):
            return obj.__func__, owner, "classmethod"
        if isinstance(obj, property):
            return obj, owner, "property"
        if d["name"] in ("__init__", "__new__", "__init_subclass__", "__class_getitem__"):
            return None, None, "covered by the tests of the class itself"
        if callable(obj):
            if inspect.isabstract(owner):
                return None, None, f"{owner.__name__} is abstract"
            return obj, owner, "method"
        return None, None, f"{d['qualname']} is not a callable (a {type(obj).__name__})"

