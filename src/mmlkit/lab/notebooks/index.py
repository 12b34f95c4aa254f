import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="mmlkit lab")


@app.cell
def _():
    import marimo as mo

    from mmlkit.lab import CATALOGUE
    return CATALOGUE, mo


@app.cell
def _(mo):
    # Only the editor lets you change cells; a read-only app (`mmlkit lab --run`) says so instead.
    _editing = mo.app_meta().mode == "edit"
    _how = ("Edit any cell — marimo reruns everything that depends on it." if _editing else
            "This is the read-only view: move the sliders, or open the editable copies with `mmlkit lab` "
            "(without `--run`) to change the code.")
    mo.md(f"""
    # The mmlkit lab

    The mathematics of machine learning, one module at a time: each notebook states a concept with its
    formula, computes it with mmlkit's own code (NumPy, from first principles) and gives you a slider for the
    parameter that matters. {_how}

    Open a notebook below, or from a terminal with `mmlkit lab NAME`.
    """)
    return


@app.cell
def _(CATALOGUE, mo):
    _rows = "\n".join(
        f"| {_i} | [{_title}](?file={_name}.py) | {_what} | `mmlkit lab {_name}` |"
        for _i, (_name, (_title, _what)) in enumerate(CATALOGUE.items(), start=1)
    )
    mo.md("| | notebook | what you can play with | open it with |\n|---|---|---|---|\n" + _rows)
    return


@app.cell
def _(mo):
    mo.md(r"""
    Every notebook also runs as a plain script (`python vectors.py`) and as a read-only app
    (`marimo run vectors.py`); the figures come from `mmlkit.viz`, the same functions the `mmlkit tour`
    report uses.
    """)
    return


if __name__ == "__main__":
    app.run()
