"""Templates are compiled one at a time; Chameleon's scope copied fast
(portail_famille.correctifs.chameleon)."""

import threading
import time

from chameleon import PageTemplate
from chameleon.template import BaseTemplate
from chameleon.utils import Scope

from portail_famille.correctifs import installer


def test_threads_compiling_templates_at_once_wait_for_each_other(monkeypatch):
    installer()
    compiling = []
    most = []
    compile_ = BaseTemplate._compile

    def slow_compile(self, body, builtins):
        compiling.append(1)
        most.append(len(compiling))
        time.sleep(0.05)
        try:
            return compile_(self, body, builtins)
        finally:
            compiling.pop()

    monkeypatch.setattr(BaseTemplate, "_compile", slow_compile)
    barrier = threading.Barrier(4)
    errors = []

    def work(i):
        barrier.wait()
        try:
            # a distinct body: nothing comes from the compiled templates' cache
            template = PageTemplate('<p tal:content="x">%d</p><i>%f</i>' % (i, time.time()))
            assert template(x=i).startswith("<p>%d</p>" % i)
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(most) == 4
    assert max(most) == 1


def test_installing_twice_wraps_once():
    installer()
    wrapped = BaseTemplate._cook
    installer()
    assert BaseTemplate._cook is wrapped


def test_ast_parse_waits_for_a_compilation_in_another_thread():
    """traceback (Python 3.11) calls ast.parse to underline its lines: a
    traceback logged during a template's compilation must wait for it."""
    import ast
    import traceback

    from portail_famille.correctifs.chameleon import VERROU

    installer()
    done = threading.Event()

    def log_a_traceback():
        try:
            raise ValueError("x")
        except ValueError:
            traceback.format_exc()
        ast.parse("a = 1")
        done.set()

    with VERROU:  # a compilation under way
        thread = threading.Thread(target=log_a_traceback)
        thread.start()
        assert not done.wait(0.2)
    assert done.wait(5)
    thread.join()
    assert ast.parse("b = 2").body[0].targets[0].id == "b"


def test_a_scope_copy_is_chameleons_own():
    """The faster copy gives what Chameleon's own gave: the own variables,
    the root's reachable, later globals visible, locals not shared."""
    installer()
    root = Scope({"a": 1, "b": 2})
    child = root.copy()
    child.set_local("c", 3)
    grandchild = child.copy()
    assert isinstance(grandchild, Scope)
    assert dict.copy(grandchild) == {"a": 1, "b": 2, "c": 3}
    assert grandchild._root is root and child._root is root
    root.set_global("g", 4)
    assert grandchild["g"] == 4 and grandchild.get("missing") is None
    grandchild.set_local("d", 5)
    assert "d" not in child and "d" not in root
    template = PageTemplate(
        '<div metal:define-macro="m"><metal:s define-slot="s">x</metal:s></div>'
        '<p metal:use-macro="macros.m"><i metal:fill-slot="s" tal:content="v"/></p>'
    )
    assert "<i>42</i>" in template(v=42)
