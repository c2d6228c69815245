"""Giving freed memory back to the system after building a large in-process table.

A server worker builds a few tables once (the point locator's lattice, jieba's word counts,
the text model) from many short-lived objects and arrays. Python frees them, but glibc keeps
the freed pages in the process unless asked: the worker's resident size then stays at the
build's peak (the point locator alone left about 40 MB of freed memory resident). Asking costs
a few milliseconds, once per build, and nothing on other C libraries (where it is skipped).
"""
import ctypes
import ctypes.util


def _trim():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to ask
        return None


_malloc_trim = _trim()


def give_back_freed_memory():
    if _malloc_trim is not None:
        _malloc_trim(0)
