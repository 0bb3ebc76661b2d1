"""The screen-size check of the demo tests finds oversize pictures (it can fail) and spares print versions."""

import pytest
from screen_checks import check_fits_screen, picture_size, too_large


def _png(path, width, height):
    from PIL import Image

    Image.new("RGB", (width, height), "white").save(path)
    return path


def _svg(path, width, height):
    path.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"></svg>')
    return path


def test_sizes_are_read_from_the_files(tmp_path):
    pytest.importorskip("PIL", reason="the pictures are made with Pillow (the demos extra)")
    assert picture_size(_png(tmp_path / "a.png", 300, 200)) == (300, 200)
    from PIL import Image

    Image.new("RGB", (640, 480)).save(tmp_path / "b.gif")
    assert picture_size(tmp_path / "b.gif") == (640, 480)
    assert picture_size(_svg(tmp_path / "c.svg", "960pt", "227pt")) == pytest.approx((1280, 302.67), abs=0.01)
    assert picture_size(_svg(tmp_path / "d.svg", "800", "600px")) == (800, 600)


def test_oversize_pictures_are_found_print_versions_spared(tmp_path):
    pytest.importorskip("PIL", reason="the pictures are made with Pillow (the demos extra)")
    _png(tmp_path / "fits.png", 1920, 1080)
    (tmp_path / "frames").mkdir()
    _png(tmp_path / "frames" / "000.png", 1921, 500)  # one pixel too wide, in a subfolder
    _svg(tmp_path / "tall.svg", "700pt", "820pt")  # 1093 px high
    _png(tmp_path / "side_by_side_print.png", 1914, 1320)  # named for print: may be larger
    assert too_large(tmp_path) == {"frames/000.png": (1921, 500), "tall.svg": pytest.approx((933.3, 1093.3), abs=0.1)}
    with pytest.raises(AssertionError, match="frames/000.png"):
        check_fits_screen(tmp_path)
    (tmp_path / "frames" / "000.png").unlink()
    (tmp_path / "tall.svg").unlink()
    check_fits_screen(tmp_path, at_least=2)
    with pytest.raises(AssertionError, match="at least 3"):
        check_fits_screen(tmp_path, at_least=3)
