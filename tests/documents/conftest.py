import subprocess

import pytest


@pytest.fixture
def pdf_file(tmp_path):
    """Write PDF bytes to a file (for pdffonts, pdftoppm) and return its path."""

    def write(data: bytes, name="document.pdf"):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def qr_codes(tmp_path):
    """The QR codes on a PDF page, rendered at 150 dpi and decoded with zbarimg."""

    def decode(pdf_path, page=1):
        prefix = tmp_path / f"page{page}"
        subprocess.run(
            ["pdftoppm", "-r", "150", "-png", "-f", str(page), "-l", str(page), "-singlefile", str(pdf_path), str(prefix)],
            check=True,
        )
        result = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(prefix) + ".png"], capture_output=True, text=True, check=False
        )
        return [line for line in result.stdout.splitlines() if line]

    return decode


def embedded_cjk_fonts(pdffonts_output: str) -> list[str]:
    """Names of the embedded Noto CJK fonts in `pdffonts` output (column emb = yes)."""
    fonts = []
    for line in pdffonts_output.splitlines()[2:]:
        columns = line.split()
        if "CJK" in columns[0] and len(columns) >= 5 and columns[-5] == "yes":
            fonts.append(columns[0].split("+", 1)[-1])
    return fonts
