"""The demos of the visual parity suite: which of Mesop 1.3.7's apps, where their sources are.

Every component demo of Mesop 1.3.7 (``mesop/components/*/e2e/*.py``, all 45) and ten of its
examples, picked to cover what apps are made of: the two labs shells (chat, text to text), a
chat built from boxes, buttons, form controls, a grid, two layouts with side navigation, the
starter kit and the README's app.

A source is Mesop's file unchanged. Those already ported for tests/test_mesop_examples.py
(tests/apps/mesop_examples/, a header and ``import mesop_cli as me`` instead of ``import
mesop as me``) are used from there; the others are kept in tests/visual/apps/ byte for byte
(Apache-2.0, LICENSE beside them). Each demo has exactly one page, whose path is read from
its ``@me.page`` decorator.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
APPS = HERE / "apps"
PORTED = HERE.parent / "apps" / "mesop_examples"
GOLDEN = HERE / "golden"

#: Where each demo comes from, relative to Mesop 1.3.7's ``mesop`` package.
ORIGINS = [
    "components/audio/e2e/audio_app.py",
    "components/autocomplete/e2e/autocomplete_app.py",
    "components/badge/e2e/badge_app.py",
    "components/box/e2e/box_app.py",
    "components/box/e2e/box_events_app.py",
    "components/button_toggle/e2e/disabled_button_toggle_app.py",
    "components/button_toggle/e2e/multiple_button_toggle_app.py",
    "components/button_toggle/e2e/single_button_toggle_app.py",
    "components/card/e2e/card_app.py",
    "components/checkbox/e2e/checkbox_app.py",
    "components/date_range_picker/e2e/date_range_picker_app.py",
    "components/datepicker/e2e/datepicker_app.py",
    "components/divider/e2e/divider_app.py",
    "components/embed/e2e/embed_app.py",
    "components/expansion_panel/e2e/accordion_app.py",
    "components/expansion_panel/e2e/expansion_panel_app.py",
    "components/expansion_panel/e2e/multi_accordion_app.py",
    "components/html/e2e/html_app.py",
    "components/html/e2e/html_default_app.py",
    "components/html/e2e/html_large_app.py",
    "components/html/e2e/html_origin_app.py",
    "components/icon/e2e/icon_app.py",
    "components/image/e2e/image_app.py",
    "components/input/e2e/input_app.py",
    "components/input/e2e/input_blur_app.py",
    "components/input/e2e/textarea_shortcut_app.py",
    "components/link/e2e/link_app.py",
    "components/markdown/e2e/markdown_app.py",
    "components/progress_bar/e2e/progress_bar_app.py",
    "components/progress_spinner/e2e/progress_spinner_app.py",
    "components/radio/e2e/radio_app.py",
    "components/select/e2e/select_app.py",
    "components/select/e2e/select_app_multiple.py",
    "components/sidenav/e2e/sidenav_app.py",
    "components/sidenav/e2e/sidenav_app_no_esc.py",
    "components/sidenav/e2e/sidenav_app_position.py",
    "components/slide_toggle/e2e/slide_toggle_app.py",
    "components/slider/e2e/slider_app.py",
    "components/table/e2e/table_app.py",
    "components/text/e2e/text_app.py",
    "components/tooltip/e2e/tooltip_app.py",
    "components/uploader/e2e/content_uploader_app.py",
    "components/uploader/e2e/uploader_app.py",
    "components/uploader/e2e/uploader_multiple_app.py",
    "components/video/e2e/video_app.py",
    "examples/testing/text_to_text.py",
    "examples/testing/minimal_chat.py",
    "examples/inlined_chat.py",
    "examples/buttons.py",
    "examples/checkbox_and_radio.py",
    "examples/grid.py",
    "examples/responsive_layout.py",
    "examples/testing/complex_layout.py",
    "examples/starter_kit/starter_kit.py",
    "examples/readme_app.py",
]

_PAGE_PATH = re.compile(r"@me\.page\((?:[^()]|\([^()]*\))*?\bpath\s*=\s*\"([^\"]+)\"", re.S)
#: The ported copies' import lines, and Mesop's own that they replaced.
_PORTED_IMPORTS = [("import mesop_cli.labs as mel", "import mesop.labs as mel"),
                   ("import mesop_cli as me", "import mesop as me")]


@dataclass(frozen=True)
class Demo:
    name: str  # the file's stem: unique across the suite
    origin: str  # relative to Mesop's ``mesop`` package
    source: Path  # the copy in this repository
    ported: bool  # from tests/apps/mesop_examples (import line changed)

    @property
    def page_path(self) -> str:
        found = _PAGE_PATH.findall(self.source.read_text())
        if len(found) != 1:
            raise ValueError(f"{self.source}: expected one @me.page path, found {found}")
        return found[0]

    def mesop_source(self) -> str:
        """The app as Mesop itself runs it: Mesop's file, imports as Mesop wrote them."""
        text = self.source.read_text()
        if self.ported:
            for ours, theirs in _PORTED_IMPORTS:
                text = text.replace(ours, theirs)
        return text

    def lay_out(self, directory: Path, for_mesop: bool) -> Path:
        """Copy the app into ``directory`` (a scratch directory of its own) and return it."""
        directory.mkdir(parents=True, exist_ok=True)
        target = directory / self.source.name
        if for_mesop:
            target.write_text(self.mesop_source())
        else:
            # Ours serves either form: MESOP_ALIAS_MESOP makes `import mesop` resolve to it.
            shutil.copyfile(self.source, target)
        return target

    @property
    def golden(self) -> Path:
        return GOLDEN / f"{self.name}.png"


def all_demos() -> list[Demo]:
    demos = []
    for origin in ORIGINS:
        file_name = Path(origin).name
        ported = (PORTED / file_name).is_file()
        source = (PORTED if ported else APPS) / file_name
        demos.append(Demo(Path(origin).stem, origin, source, ported))
    return demos
