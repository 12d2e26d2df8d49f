"""A one-slot memo: the answer for the last argument only.

A rule stage asks the same question of one article many times (once per mention or title); an
index of the article built on the first question answers the rest. Only the last argument is kept,
so memory does not grow with the corpus. By default the key is the argument's identity (a free
check; the stored argument stays alive while its answer is in use); `key` compares a value instead,
for an article that reaches two stages as two equal objects.
"""
from __future__ import annotations

from typing import Callable, Generic, Hashable, TypeVar

Key = TypeVar("Key")
Value = TypeVar("Value")


class LastArgumentMemo(Generic[Key, Value]):
    def __init__(self, build: Callable[[Key], Value], key: Callable[[Key], Hashable] | None = None):
        self._build = build
        self._key_of = key
        self._key: object = None
        self._value: Value | None = None

    def __call__(self, argument: Key) -> Value:
        if self._key_of is None:
            if self._key is not argument:
                self._key, self._value = argument, self._build(argument)
        else:
            key = self._key_of(argument)
            if self._key != key:
                self._key, self._value = key, self._build(argument)
        return self._value
