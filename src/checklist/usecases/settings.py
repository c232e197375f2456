"""Settings: the one module that reads the environment and the store's config.

Every setting is decided in the same order — the command's option, then the environment,
then the store's config (`checklist config`, kept in the store), then a default — and each
environment variable's name is a constant here. README's "Settings" table lists them.

| setting        | option      | environment              | store config       | default                         |
|----------------|-------------|--------------------------|--------------------|---------------------------------|
| store          | --store     | CHECKLIST_STORE          |                    | the nearest .checklist/ upward  |
| catalog        | --catalog   | CHECKLIST_CATALOG        |                    | the unit's own, else bundled    |
| unit           | --unit      |                          | default_unit       | the store's only unit           |
| who attests    | --by        | CHECKLIST_USER           | user               | the login name                  |
| language       | --lang      | CHECKLIST_LANG           |                    | the locale (LC_ALL, …, LANG)    |
| the clock      | --now       | CHECKLIST_NOW            |                    | the real time                   |
| evidence limit |             |                          | evidence_max_mb    | 100 MB                          |
| future by --now|             |                          | clock_override     | off                             |
| key folder     |             | CHECKLIST_CONFIG_HOME    |                    | the platform's config folder    |
| tracebacks     | --debug     | CHECKLIST_DEBUG          |                    | off                             |
| pager (log)    | --no-pager  | CHECKLIST_PAGER, PAGER   |                    | less -FRX, on a terminal only   |
"""

from __future__ import annotations

import getpass
import math
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import NoStore, UserError, message

ENV_STORE = "CHECKLIST_STORE"
ENV_CATALOG = "CHECKLIST_CATALOG"
ENV_USER = "CHECKLIST_USER"
ENV_LANG = "CHECKLIST_LANG"
ENV_NOW = "CHECKLIST_NOW"
ENV_DEBUG = "CHECKLIST_DEBUG"
ENV_CONFIG_HOME = "CHECKLIST_CONFIG_HOME"
ENV_PAGER, ENV_ANY_PAGER, ENV_CI = "CHECKLIST_PAGER", "PAGER", "CI"
ENV_CI = "CI"  # set by CI services: never wait for an answer there
LOCALE = ("LC_ALL", "LC_MESSAGES", "LANG")  # in the order the C library reads them

CONFIG_USER = "user"
CONFIG_DEFAULT_UNIT = "default_unit"
CONFIG_EVIDENCE_MAX_MB = "evidence_max_mb"
CONFIG_CLOCK_OVERRIDE = "clock_override"  # on: --now may record periods the real clock has not reached
CONFIG_KEYS = (CONFIG_USER, CONFIG_DEFAULT_UNIT, CONFIG_EVIDENCE_MAX_MB, CONFIG_CLOCK_OVERRIDE)
SWITCH = ("on", "off")

STORE_DIR = ".checklist"
DEFAULT_EVIDENCE_MAX_MB = 100
LANGUAGES = ("zh", "en")
_TRUE = frozenset({"1", "true", "yes", "on"})


@dataclass(frozen=True)
class Settings:
    """What a command runs with: its options, completed from the environment.

    Settings kept in the store (who attests, the default unit, the evidence limit) are
    completed by the methods that take the store's config, once a store is open.
    """

    store: str | None = None  # a folder or a location such as memory:NAME; None: look upward
    catalog: Path | None = None
    unit: str | None = None
    by: str | None = None  # as given: checked as a name when it is used (`actor`)
    by_from: str = "--by"  # where `by` came from: --by or CHECKLIST_USER
    lang: str = "en"
    now: str | None = None
    now_from: str = "--now"  # where `now` came from, for messages: the option or the variable
    debug: bool = False
    ci: bool = False
    cwd: Path = field(default_factory=Path.cwd)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ, repr=False, compare=False)

    @classmethod
    def load(
        cls,
        *,
        store: str | None = None,
        catalog: str | None = None,
        unit: str | None = None,
        by: str | None = None,
        lang: str | None = None,
        now: str | None = None,
        debug: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        env = os.environ if environ is None else environ
        for name in (ENV_STORE, ENV_CATALOG, ENV_USER, ENV_NOW):  # options are checked as they are parsed
            if not_utf8(env.get(name) or ""):
                raise UserError("input.not_utf8", what=name)
        chosen_catalog = catalog if catalog is not None else env.get(ENV_CATALOG) or None
        # a blank value counts as none given; any other is checked as a name where it is used
        who, who_from = (
            (by, "--by") if _text(by) else (env.get(ENV_USER) if _text(env.get(ENV_USER)) else None, ENV_USER)
        )
        return cls(
            store=store if store is not None else env.get(ENV_STORE) or None,
            catalog=Path(chosen_catalog).expanduser().resolve() if chosen_catalog else None,
            unit=unit or None,
            by=who,
            by_from=who_from,
            lang=language(lang, env),
            now=now if now is not None else env.get(ENV_NOW) or None,
            now_from="--now" if now is not None else ENV_NOW,
            debug=debug or debug_from(env),
            ci=bool(env.get(ENV_CI)),
            environ=env,
        )

    # -- settings the store's config completes ------------------------------------------

    def actor(self, config: Mapping[str, Any]) -> str:
        """Who attests: --by, CHECKLIST_USER, the store's user, the login name; refused if it
        is no name (see core/names.py), naming where it came from."""
        from ..core import names  # only commands that record pay for it

        if self.by is not None:
            return names.check(self.by, self.by_from)
        configured = config.get(CONFIG_USER)
        if _text(configured):
            return names.check(str(configured), message("name.config_user"))
        try:
            login = getpass.getuser()
        except (OSError, KeyError):
            raise UserError("actor.unknown") from None
        return names.check(login, message("name.login"))

    def default_unit(self, config: Mapping[str, Any]) -> str | None:
        """--unit, else the store's default unit (None: the caller decides)."""
        return self.unit or self.store_default_unit(config)

    @staticmethod
    def store_default_unit(config: Mapping[str, Any]) -> str | None:
        """The store's default unit (`checklist use`), whatever this command was given."""
        return _text(config.get(CONFIG_DEFAULT_UNIT))

    def clock_override(self, config: Mapping[str, Any]) -> bool:
        """Whether records made with --now may cover what the real clock has not reached yet."""
        return config.get(CONFIG_CLOCK_OVERRIDE) == "on"

    def evidence_max_bytes(self, config: Mapping[str, Any], where: str = "the store's config") -> int:
        """The store's evidence limit in bytes; a value no limit can be is an error naming
        `where` the store's config is (its hint says how to set it again)."""
        configured = config.get(CONFIG_EVIDENCE_MAX_MB, DEFAULT_EVIDENCE_MAX_MB)
        megabytes = size_in_mb(configured)
        if megabytes is None:
            raise UserError("config.bad_evidence_max_mb", where=where, value=_brief(configured))
        return int(megabytes * 1_000_000)

    # -- where things are ------------------------------------------------------------

    def store_location(self) -> str:
        """The store a command works on: --store / CHECKLIST_STORE, else the nearest
        `.checklist/` in this folder or a parent (as git finds `.git`); NoStore if none."""
        if self.store is not None:
            if _is_url(self.store):
                return self.store
            chosen = self._folder(self.store)
            if not chosen.is_dir():
                raise NoStore("store.none_at", where=str(chosen))
            return str(chosen)
        found = self.find_upward()
        if found is None:
            raise NoStore("store.none_here")
        return str(found)

    def store_location_for_start(self) -> str:
        """The store `start` uses: as for other commands, else a new `.checklist/` here."""
        if self.store is not None:
            return self.store if _is_url(self.store) else str(self._folder(self.store))
        return str(self.find_upward() or self.cwd.absolute() / STORE_DIR)

    def find_upward(self) -> Path | None:
        here = self.cwd.absolute()
        for folder in (here, *here.parents):
            candidate = folder / STORE_DIR
            if candidate.is_dir():
                return candidate
        return None

    def config_home(self) -> Path:
        """The user's own folder for private keys: CHECKLIST_CONFIG_HOME, else the platform's
        config folder (~/.config/checklist on Linux, its equivalents on macOS and Windows)."""
        explicit = self.environ.get(ENV_CONFIG_HOME)
        if explicit:
            return Path(explicit).expanduser()
        from platformdirs import user_config_path  # only commands that sign pay for it

        return user_config_path("checklist", appauthor=False, roaming=True)

    def _folder(self, text: str) -> Path:
        folder = Path(text).expanduser()
        return folder if folder.is_absolute() else (self.cwd / folder).absolute()


def language(option: str | None, environ: Mapping[str, str] | None = None) -> str:
    """--lang, then CHECKLIST_LANG, then the locale; English unless Chinese is asked for."""
    env = os.environ if environ is None else environ
    for candidate in (option, env.get(ENV_LANG), *(env.get(name) for name in LOCALE)):
        if candidate:
            return "zh" if candidate.lower().startswith("zh") else "en"
    return "en"


def without_pydantic_plugins() -> None:
    """pydantic searches every installed distribution's entry points for plugins when it builds
    its first model (~1 % of a status's instructions, more where many packages are installed);
    checklist uses none. A user's own PYDANTIC_DISABLE_PLUGINS is kept."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def debug_from(environ: Mapping[str, str] | None = None) -> bool:
    """CHECKLIST_DEBUG=1 (or true, yes, on) turns tracebacks on; 0, false and empty do not."""
    env = os.environ if environ is None else environ
    return env.get(ENV_DEBUG, "").strip().lower() in _TRUE


@dataclass(frozen=True)
class Pager:
    """The command a long output is paged through, and the environment it runs in."""

    command: str
    environ: dict[str, str]


def pager_from(no_pager: bool = False, environ: Mapping[str, str] | None = None) -> Pager | None:
    """What a long output is paged through on a terminal (as git pages): None with --no-pager,
    in CI (CI set, and not 0 or false), on a dumb terminal, or when CHECKLIST_PAGER (else
    PAGER) is empty or `cat`; else that command, or `less`, run with LESS=FRX (leave at once
    if all fits, keep colours, leave the screen as it was) and LV=-c unless they are set."""
    env = os.environ if environ is None else environ
    if no_pager or env.get(ENV_CI, "").strip().lower() not in ("", "0", "false", "no", "off"):
        return None
    command = env.get(ENV_PAGER, env.get(ENV_ANY_PAGER, "less")).strip()
    if command in ("", "cat") or env.get("TERM") == "dumb":
        return None
    return Pager(command, {**env, "LESS": env.get("LESS", "FRX"), "LV": env.get("LV", "-c")})


def size_in_mb(value: object) -> float | None:
    """A number of megabytes from a byte (1e-6) to below ten million, or None."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) and 1e-6 <= number < 1e7 else None


def _brief(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 24 else text[:20] + "…"


def not_utf8(text: str) -> bool:
    """Whether text came from bytes that are not UTF-8: Python reads them (arguments, the
    environment, a walk's answers) as lone surrogates, which no record can hold."""
    return not text.isascii() and any("\udc80" <= char <= "\udcff" for char in text)


def _text(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None


def _is_url(location: str) -> bool:
    return location.startswith("memory:") or "://" in location


def progress_wanted(environ: Mapping[str, str] | None = None) -> bool:
    """A progress bar: on a terminal (stderr), never in CI (CI set, and not 0 or false) nor when piped."""
    env = os.environ if environ is None else environ
    if env.get(ENV_CI, "").strip().lower() not in ("", "0", "false", "no", "off"):
        return False
    return sys.stderr.isatty()
