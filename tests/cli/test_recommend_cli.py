"""``embedlab recommend train als|bpr|item2vec`` and ``embedlab recommend`` through real subprocesses."""

import json

import pytest
from test_cli_end_to_end import assert_one_line_error, run


@pytest.fixture(scope="module")
def events(tmp_path_factory):
    d = tmp_path_factory.mktemp("rec")
    lines = ["customer\tproduct\tqty\tinvoice\twhen"]
    n = 0
    for g in range(3):
        for u in range(15):
            for basket in range(2):
                n += 1
                for i in range(4):
                    item = f"g{g}i{(u + basket + i) % 8}"
                    lines.append(f"g{g}u{u}\t{item}\t{1 + i % 2}\tinv{n}\t2011-01-{1 + basket:02d} 10:{i:02d}")
    (d / "events.tsv").write_text("\n".join(lines) + "\n")
    return d


@pytest.mark.slow
def test_train_and_recommend_every_way(events):
    d = events
    cols = ("--user", "customer", "--item", "product")
    out = json.loads(
        run(
            "recommend",
            "train",
            "als",
            d / "events.tsv",
            *cols,
            "--weight",
            "qty",
            "-o",
            d / "als",
            "--factors",
            8,
            "--iterations",
            5,
            "--threads",
            1,
            "--json",
        ).stdout
    )
    assert out["users"] == 45 and out["kind"] == "als"
    rec = json.loads(run("recommend", "items", d / "als", "--user", "g1u3", "--k", 3, "--json").stdout)
    assert len(rec["items"]) == 3 and all(x["item"].startswith("g1") for x in rec["items"][:2])
    (d / "users.txt").write_text("g0u1\ng2u2\n")
    lines = run("recommend", "items", d / "als", "--users", d / "users.txt", "--k", 2).stdout.strip().split("\n")
    assert [json.loads(x)["user"] for x in lines] == ["g0u1", "g2u2"]
    assert "recommendations" in run("recommend", "items", d / "als", "--items", "g0i1,g0i2", "--k", 2).stdout
    run(
        "recommend",
        "train",
        "bpr",
        d / "events.tsv",
        "--user",
        "customer",
        "--item",
        "product",
        "-o",
        d / "bpr",
        "--factors",
        8,
        "--iterations",
        10,
        "-q",
    )
    assert json.loads(run("recommend", "items", d / "bpr", "--similar-to", "g0i1", "--json").stdout)["items"]
    out = json.loads(run("recommend", "train", "item2vec", d / "events.tsv", "--user", "customer", "--item", "product",
                         "--session", "invoice", "--time", "when", "-o", d / "i2v", "--dim", 8, "--epochs", 3,
                         "--json").stdout)  # fmt: skip
    assert out["items"] == 24
    rec = json.loads(run("recommend", "items", d / "i2v", "--items", "g2i1", "--k", 2, "--json").stdout)
    assert len(rec["items"]) == 2 and rec["items"][0]["item"] != "g2i1"


@pytest.mark.slow
def test_recommend_mistakes_are_one_line_errors(events):
    d = events
    run(
        "recommend",
        "train",
        "als",
        d / "events.tsv",
        "--user",
        "customer",
        "--item",
        "product",
        "-o",
        d / "m",
        "--factors",
        4,
        "--iterations",
        2,
        "-q",
    )
    assert_one_line_error(run("recommend", "items", d / "m", "--user", "nobody", check_rc=None), "user 'nobody'")
    assert_one_line_error(run("recommend", "items", d / "m", check_rc=None), "exactly one of")
    assert_one_line_error(
        run(
            "recommend",
            "train",
            "als",
            d / "events.tsv",
            "--user",
            "who",
            "--item",
            "product",
            "-o",
            d / "x",
            check_rc=None,
        ),
        "no column 'who'",
    )
    assert_one_line_error(
        run(
            "recommend", "train", "item2vec", d / "events.tsv", "--user", "customer", "--item", "product", check_rc=None
        ),
        "--session",
    )


@pytest.mark.slow
def test_nothing_is_skipped_silently_and_titles_show(events, tmp_path):
    """Rows with an empty user and negative quantities (returns) are reported; --negative drop leaves the
    returns out; --item-title shows readable titles in tables, JSON and the saved model; an unknown item
    is an item (with close spellings), and bad --k and --users files are one-line errors."""
    d = events
    rows = (d / "events.tsv").read_text().splitlines()
    header, body = rows[0] + "\ttitle", [r + f"\tTitle of {r.split(chr(9))[1]}" for r in rows[1:]]
    body += [
        "\tg0i1\t3\tinvX\t2011-01-03 10:00\tTitle of g0i1",
        "g0u1\tg0i2\t-2\tinvY\t2011-01-03 10:00\tTitle of g0i2",
    ]
    log = tmp_path / "log.tsv"
    log.write_text("\n".join([header, *body]) + "\n")
    cols = ("--user", "customer", "--item", "product", "--weight", "qty", "--factors", 4, "--iterations", 2)
    proc = run("recommend", "train", "als", log, *cols, "--item-title", "title", "-o", tmp_path / "als")
    assert "skipped 1 row with an empty 'customer'" in proc.stderr and "1 row with a negative 'qty' kept" in proc.stderr
    dropped = run("recommend", "train", "als", log, *cols, "--negative", "drop", "-o", tmp_path / "als2", "--json")
    assert json.loads(dropped.stdout)["events"] == len(body) - 2
    rec = json.loads(run("recommend", "items", tmp_path / "als", "--user", "g1u3", "--k", 2, "--json").stdout)
    assert all(x["title"] == f"Title of {x['item']}" for x in rec["items"])
    assert "Title of" in run("recommend", "items", tmp_path / "als", "--similar-to", "g0i1", "--k", 2).stdout
    assert_one_line_error(run("recommend", "items", tmp_path / "als", "--similar-to", "g0i99", check_rc=None),
                          "item 'g0i99'")  # fmt: skip
    for k in (0, -1):
        assert_one_line_error(
            run("recommend", "items", tmp_path / "als", "--user", "g1u3", "--k", k, check_rc=None), "--k"
        )
    (tmp_path / "users.bin").write_bytes(b"\xff\xfe\x00\x81" * 10)
    assert_one_line_error(run("recommend", "items", tmp_path / "als", "--users", tmp_path / "users.bin", check_rc=None),
                          "not UTF-8")  # fmt: skip
    i2v = run(
        "recommend",
        "train",
        "item2vec",
        d / "events.tsv",
        "--user",
        "customer",
        "--item",
        "product",
        "--by",
        "user",
        "-o",
        tmp_path / "i2v",
        "--dim",
        4,
        "--epochs",
        1,
        "-q",
    )
    assert i2v.returncode == 0
    assert_one_line_error(run("recommend", "items", tmp_path / "i2v", "--similar-to", "g0i99", check_rc=None),
                          "item 'g0i99'")  # fmt: skip
