"""A D-Bus service played with jeepney on a thread of its own (owns a name, answers calls as
the test says, emits signals, vanishes), for tests against a real private bus."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from jeepney import DBusAddress, MessageType, new_error, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

#: How a played service answers a method call: a reply body (with its signature), None for
#: no answer at all (a hung service), or an Exception for an error reply.
Answer = Callable[[Any], "tuple[str, tuple[Any, ...]] | Exception | None"]


class Service:
    """A D-Bus service owning ``name`` on the bus, answering calls with ``answer`` on a thread
    of its own, able to emit signals and to vanish (its connection closed)."""

    def __init__(self, address: str, name: str, answer: Answer) -> None:
        self.conn: DBusConnection = open_dbus_connection(address)
        self.name, self.answer = name, answer
        self.calls: list[str] = []
        reply = self.conn.send_and_get_reply(message_bus.RequestName(name), timeout=2)
        assert reply.body == (1,), reply.body   # primary owner
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                msg = self.conn.receive(timeout=0.05)
            except TimeoutError:
                continue
            except Exception:   # closed under us: the service vanished
                return
            if msg.header.message_type is not MessageType.method_call:
                continue
            self.calls.append(str(msg.header.fields.get(3)))   # the member
            answer = self.answer(msg)
            if answer is None:
                continue
            if isinstance(answer, Exception):
                self.conn.send(new_error(msg, "org.example.Error", "s", (str(answer),)))
            else:
                self.conn.send(new_method_return(msg, *answer))

    def signal(self, path: str, interface: str, member: str, signature: str,
               body: tuple[Any, ...]) -> None:
        self.conn.send(new_signal(DBusAddress(path, interface=interface), member, signature,
                                  body))

    def vanish(self) -> None:
        self._stop = True
        self._thread.join(timeout=2)
        self.conn.close()
