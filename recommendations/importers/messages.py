"""The importers' messages: kept as the English message and its values, translated when shown.

A report is stored (`ImportJob.preview`, `ImportJob.report`, the failure in
`ImportJob.error_message`) by a worker that speaks no language, and read later by editors in
theirs. So a row's reason, a correction or a failure is a `Message`: the English msgid,
marked with `gettext_noop` so that makemessages extracts it, and its named values. `str()`
translates it into the active language, when a page or the command shows it; `as_data()` is
what the JSON stores, and `Message.from_data()` reads it back, so a report stored in English
is shown in Korean to a Korean editor.

    Message(gettext_noop("unknown state '%(name)s'"), name="Atlantis")

A value may be a message itself (a field's validation message inside a row's reason): it is
translated too. Django's validation messages (`gettext_lazy`, `ngettext_lazy`) are kept the
same way by `Message.of_validation()`, and translated by Django's catalogues.
"""

import re
from collections.abc import Mapping

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext

JSON_SCALARS = (str, int, float, bool, type(None))
NAMED_PLACEHOLDER = re.compile(r"%\((\w+)\)")


class Message:
    """One message: `msgid` with `params`; a plural when `plural` and `number` (the name of
    the value that counts) are given; `verbatim` text is shown as it is, untranslated (a
    library's own error text, a report stored before the messages were)."""

    __slots__ = ("msgid", "params", "plural", "number", "verbatim")

    def __init__(self, msgid: str, /, **params):
        self.msgid = msgid
        self.params = {name: _value(value) for name, value in params.items()}
        self.plural = ""
        self.number = ""
        self.verbatim = False

    @classmethod
    def text(cls, text: str) -> "Message":
        """Words that are not ours to translate: shown as they are."""
        message = cls(str(text))
        message.verbatim = True
        return message

    @classmethod
    def plural_of(cls, singular: str, plural: str, number: str, params: Mapping) -> "Message":
        message = cls(singular, **params)
        message.plural, message.number = plural, number
        return message

    @classmethod
    def of_validation(cls, message, params: Mapping | None) -> "Message":
        """A ValidationError's message (a lazy translation, usually Django's own), kept as its
        msgid and the values it names; text that is not a lazy translation stays as it is."""
        params = dict(params or {})
        if isinstance(message, Promise):
            function, arguments = message.__reduce__()
            if function.__name__ == "_lazy_number_unpickle":
                # ngettext_lazy(singular, plural, "number name"): (func, class, number, kwargs)
                _, _, number, kwargs = arguments
                if isinstance(number, str) and number in params:
                    used = _used(kwargs["singular"] + kwargs["plural"], params)
                    return cls.plural_of(kwargs["singular"], kwargs["plural"], number, used)
            elif function.__name__ == "_lazy_proxy_unpickle":
                # gettext_lazy(msgid): (func, args, kwargs, *result classes)
                func, args, kwargs = arguments[:3]
                if func is gettext and len(args) == 1 and not kwargs:
                    return cls(args[0], **_used(args[0], params))
        with translation.override(None):
            text = str(message) % params if params else str(message)
        return cls.text(text)

    def render(self) -> str:
        """In the active language."""
        params = {
            name: value.render() if isinstance(value, Message) else value
            for name, value in self.params.items()
        }
        if self.verbatim:
            return self.msgid
        if self.plural:
            text = ngettext(self.msgid, self.plural, params[self.number])
        else:
            text = gettext(self.msgid)
        return text % params if params else text

    def english(self) -> str:
        """As written in the code: for the logs, the API and the command."""
        with translation.override(None):
            return self.render()

    __str__ = render

    def as_data(self) -> dict:
        data = {
            "msgid": self.msgid,
            "params": {
                name: value.as_data() if isinstance(value, Message) else value
                for name, value in self.params.items()
            },
        }
        if self.plural:
            data |= {"plural": self.plural, "number": self.number}
        if self.verbatim:
            data["verbatim"] = True
        return data

    @classmethod
    def from_data(cls, data) -> "Message":
        """What `as_data()` stored; a plain string (a report stored before) is verbatim."""
        if isinstance(data, str):
            return cls.text(data)
        params = {
            name: cls.from_data(value) if isinstance(value, dict) else value
            for name, value in data.get("params", {}).items()
        }
        message = cls(data["msgid"], **params)
        message.plural = data.get("plural", "")
        message.number = data.get("number", "")
        message.verbatim = data.get("verbatim", False)
        return message

    def _key(self) -> tuple:
        return (
            self.msgid,
            tuple(sorted(self.params.items())),
            self.plural,
            self.number,
            self.verbatim,
        )

    def __eq__(self, other) -> bool:
        return isinstance(other, Message) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Message({self.english()!r})"


def _value(value):
    """A value as the JSON keeps it: a message, or a number, or text."""
    if isinstance(value, (Message, *JSON_SCALARS)):
        return value
    if isinstance(value, Promise):
        return Message.of_validation(value, None)
    return str(value)


def _used(text: str, params: Mapping) -> dict:
    """The values a message names: a ValidationError's params hold the whole value too, which
    may be a 100,000-character text the report need not store."""
    names = set(NAMED_PLACEHOLDER.findall(text))
    return {name: value for name, value in params.items() if name in names}


class MessageError(Exception):
    """An error whose reason is a Message: `str()` in the active language."""

    def __init__(self, message: Message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message.render()


def message_of(error: Exception) -> Message:
    """An exception's reason: ours as its message, a library's in its own words."""
    if isinstance(error, MessageError):
        return error.message
    return Message.text(str(error))


def grouped(number: int) -> str:
    """A count with thousands separators ("100,000"): written so in the three languages."""
    return f"{number:,}"
