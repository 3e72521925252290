"""The command names from before ``embedlab PRODUCT VERB`` keep working: each runs its new command after one
warning line naming it, none shows in --help, and an old group alone lists where its commands went."""

import pytest
from typer.testing import CliRunner

from embedlab.cli._moved import MOVED, renamed
from embedlab.cli.main import app

runner = CliRunner()


@pytest.mark.parametrize("old", sorted(MOVED), ids=" ".join)
def test_every_old_name_runs_its_new_command_and_says_so(old):
    new = MOVED[old]
    # an old name that is now a product's (compress, explain, recommend) is the old command when what follows
    # is not one of the product's verbs
    product = old[0] in {"compress", "explain", "recommend"}
    got = runner.invoke(app, [*old, *(["model"] if product else []), "--help"])
    assert got.exit_code == 0, got.output
    assert f"warning: 'embedlab {' '.join(old)}' is now 'embedlab {' '.join(new)}'" in got.stderr
    assert f"Usage: embedlab {' '.join(new)}" in " ".join(got.stdout.split())


def test_an_old_name_does_real_work(planted_model):
    from embedlab import load

    word = load(planted_model).words[0]
    got = runner.invoke(app, ["similar", str(planted_model), word, "--k", "3", "--json"])
    assert got.exit_code == 0, got.output
    assert got.stdout.lstrip().startswith("{") and '"neighbours"' in got.stdout
    assert got.stderr.count("warning:") == 1


def test_old_names_are_not_listed_and_products_keep_their_verbs():
    listing = runner.invoke(app, ["--help"]).stdout
    assert "evaluate-sts" not in listing and "plot-images" not in listing and "words" in listing
    verbs = {"recommend": {"train", "items"}, "compress": {"vectors", "distill"}, "explain": {"similarity"}}
    assert renamed(["recommend", "items", "m"], verbs) == (["recommend", "items", "m"], None)
    assert renamed(["recommend", "m", "--user", "u"], verbs)[0] == ["recommend", "items", "m", "--user", "u"]
    assert renamed(["compress", "--help"], verbs) == (["compress", "--help"], None)


def test_an_old_group_alone_says_where_its_commands_went():
    got = runner.invoke(app, ["train"])
    assert got.exit_code == 2
    assert "error: 'embedlab train' is now under each product" in got.stderr
    assert "embedlab words train word2vec" in got.stderr and "embedlab recommend train als" in got.stderr
