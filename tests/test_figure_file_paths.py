"""What a scenario's ``figure_files:`` may name, and what no message shows (issue 23, items 4, 5, 9).

A figure file is a regular ``.yaml``/``.yml`` file within the size limit; anything else (the
system's password database, a folder, a device, a pipe, a symbolic-link loop, a name with a NUL
byte or of 5,000 characters) is refused at the scenario's line, unread, with exit status 2; and
no message repeats the content of a file that is not figure YAML.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from model.cli import main
from model.inputs.safe_yaml import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parents[1]
SECRET = "$6$s3cr3tSalt$hashOfTheRootPassword"


def _scenario(folder: Path, entry: str) -> Path:
    shutil.copy(ROOT / "scenarios" / "baseline.yaml", folder / "baseline.yaml")
    path = folder / "mine.yaml"
    path.write_text(f"name: mine\nextends: baseline\ndescription: names a figure file\nfigure_files: [{entry}]\n",
                    encoding="utf-8")
    return path


def _validate(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "internal error" not in err and "Traceback" not in err, err
    return err


def _password_database(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("entry", ["/etc/passwd", "../" * 40 + "etc/passwd"], ids=["absolute", "dot-dot"])
def test_the_systems_password_database_is_refused_unread(tmp_path, capsys, entry):
    path = _scenario(tmp_path, f"'{entry}'")
    err = _validate(path, capsys)
    assert f"{path}:4: figure_files[0]:" in err
    assert "is not a .yaml or .yml file" in err
    assert "root:" not in err.replace(str(tmp_path), "")


@pytest.mark.parametrize("name, text", [
    ("shadow.yaml", f"root: '{SECRET}'\ndaemon: '*'\n"),
    ("shadow_list.yaml", f"- root:{SECRET}\n- daemon\n"),
    ("shadow_tag.yaml", f"root: !!bool {SECRET}\n"),
    ("shadow_custom_tag.yaml", f"root: !{SECRET[3:9]} x\n"),
    ("shadow_broken.yaml", f"root: {SECRET}\n  - oops: [\n"),
    ("shadow_duplicate.yaml", f"{SECRET[3:9]}: 1\n{SECRET[3:9]}: 2\n"),
    ("shadow_text.yaml", f"root:{SECRET}:0:0:root:/root:/bin/bash\n"),
], ids=["mapping", "list", "tag", "custom-tag", "syntax-error", "duplicate-key", "plain-text"])
def test_no_message_echoes_a_file_that_is_not_figure_yaml(tmp_path, capsys, name, text):
    _password_database(tmp_path, name, text)
    path = _scenario(tmp_path, name)
    err = _validate(path, capsys)
    assert f"{tmp_path / name}:" in err or f"{path}:4:" in err, err
    shown = err.replace(str(tmp_path), "")
    for secret in (SECRET, SECRET[3:9], "root", "daemon"):
        assert secret not in shown, err


def test_a_folder_a_device_and_a_pipe_are_named_for_what_they_are(tmp_path, capsys):
    (tmp_path / "folder.yaml").mkdir()
    os.mkfifo(tmp_path / "pipe.yaml")
    path = _scenario(tmp_path, "folder.yaml, /dev/zero, pipe.yaml")
    err = _validate(path, capsys)  # a pipe nobody writes to must not hang it
    assert f"{path}:4: figure_files[0]: {tmp_path / 'folder.yaml'}: is a folder, not a figure file" in err
    assert f"{path}:4: figure_files[1]: /dev/zero: is not a regular file (a device, a pipe or a socket)" in err
    assert f"{path}:4: figure_files[2]: {tmp_path / 'pipe.yaml'}: is not a regular file" in err
    assert "no such figure file" not in err


def test_a_symlink_loop_a_nul_byte_and_a_5000_character_name_are_problems_not_crashes(tmp_path, capsys):
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop2.yaml")
    (tmp_path / "loop2.yaml").symlink_to(tmp_path / "loop.yaml")
    long_name = "a" * 5000 + ".yaml"
    path = _scenario(tmp_path, f'loop.yaml, "bad\\0name.yaml", {long_name}')
    err = _validate(path, capsys)
    assert f"{path}:4: figure_files[0]: {tmp_path / 'loop.yaml'}: a symbolic link that loops" in err
    assert f"{path}:4: figure_files[1]: " in err and "the file name holds a NUL byte" in err
    assert f"{path}:4: figure_files[2]: " in err and "the file name is too long" in err
    assert max(len(line) for line in err.splitlines()) < 600  # the 5,000 characters are not echoed


def test_a_figure_file_over_the_size_limit_is_refused_unread(tmp_path, capsys):
    big = tmp_path / "big.yaml"
    big.write_text("figures: []\n" + "#" * MAX_FILE_BYTES, encoding="utf-8")
    path = _scenario(tmp_path, "big.yaml")
    err = _validate(path, capsys)
    assert f"{path}:4: figure_files[0]: {big}: is {big.stat().st_size:,} bytes; a figure file must be under" in err


def test_a_figure_files_problems_speak_of_a_figure_file(tmp_path, capsys):
    (tmp_path / "two.yaml").write_text("figures: []\n---\nfigures: []\n", encoding="utf-8")
    (tmp_path / "text.yaml").write_text("just a sentence\n", encoding="utf-8")
    path = _scenario(tmp_path, "two.yaml, text.yaml")
    err = _validate(path, capsys)
    assert "a figure file is one document" in err
    assert f"{tmp_path / 'text.yaml'}:1: not a figure file" in err
    assert "scenario" not in err.replace(str(path), "")


def test_a_scenario_file_that_is_a_symlink_loop_is_a_problem_not_a_crash(tmp_path, capsys):
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(tmp_path / "loop.yaml")
    err = _validate(loop, capsys)
    assert f"{loop}:?: cannot read file:" in err
    assert main(["run", str(loop), "--out", str(tmp_path / "r"), "--no-progress"]) == 2
    assert f"{loop}: a symbolic link that loops" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()
