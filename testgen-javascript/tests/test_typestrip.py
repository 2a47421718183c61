"""Type stripping keeps every line and column, so coverage maps back without source maps."""

from __future__ import annotations

from testgen_javascript.typestrip import strip_types

SOURCE = """import type { Options } from './types.js';
export interface Point { x: number; y: number }
type Id = string | number;
export function move(p: Point, dx: number = 1): Point {
  return { x: p.x + dx, y: p.y } as Point;
}
export class Box<T> implements Sized {
  private readonly items: T[] = [];
  size(): number { return this.items!.length; }
}
"""


def test_stripped_text_keeps_the_layout():
    stripped = strip_types(SOURCE)
    assert stripped.erasable
    assert len(stripped.text) == len(SOURCE)
    assert stripped.text.count("\n") == SOURCE.count("\n")
    assert stripped.text.index("return") == SOURCE.index("return")


def test_type_syntax_is_gone():
    text = strip_types(SOURCE).text
    for word in ("interface", "import type", ": number", "as Point", "<T>", "implements",
                 "private", "readonly", "!."):
        assert word not in text, word
    assert "export function move(p" in text


def test_enums_are_not_erasable():
    stripped = strip_types("export enum Color { Red, Green }\n")
    assert not stripped.erasable
    assert "enum" in stripped.reason


def test_parameter_properties_are_not_erasable():
    stripped = strip_types("class A { constructor(private x: number) {} }\n")
    assert not stripped.erasable and "parameter property" in stripped.reason
