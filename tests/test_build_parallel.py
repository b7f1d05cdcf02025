"""`studykit build --jobs N`: extraction spread over worker processes gives exactly what one
process gives, and the default number of jobs fits the work."""

from __future__ import annotations

import json

from click.testing import CliRunner

from studykit import extraction_pool
from studykit.cli import main
from studykit.models import Post

POSTS = {
    "adam.md": "---\ntitle: Adam\nseries: Optimizers\nseries_order: 1\n---\n\n"
               "**Adam** is an optimizer that keeps running averages of the gradient and of its "
               "square. Diederik Kingma and Jimmy Ba published it in 2014.\n\n"
               "$$m_t = \\beta_1 m_{t-1} + (1 - \\beta_1) g_t$$\n\n"
               "The default learning rate of Adam is 0.001.\n",
    "momentum.md": "---\ntitle: Momentum\nseries: Optimizers\nseries_order: 2\n---\n\n"
                   "**Momentum** is a method that adds a fraction of the previous update to the "
                   "current one. Boris Polyak proposed the heavy ball method in 1964.\n\n"
                   "A momentum coefficient of 0.9 amplifies a constant gradient tenfold.\n",
    "dropout.md": "---\ntitle: Dropout\n---\n\n"
                  "**Dropout** is a regularization technique that zeroes random activations during "
                  "training. Geoffrey Hinton and colleagues described it in 2012.\n\n"
                  "A dropout rate of 0.5 is common for fully connected layers.\n",
}


def test_two_jobs_make_the_same_cards_as_one(tmp_path, nlp):
    (tmp_path / "posts").mkdir()
    for name, text in POSTS.items():
        (tmp_path / "posts" / name).write_text(text, encoding="utf-8")
    (tmp_path / "a.toml").write_text('sources = ["posts"]\n[outputs]\njsonl = "a.jsonl"\n')
    (tmp_path / "b.toml").write_text('sources = ["posts"]\n[outputs]\njsonl = "b.jsonl"\n')

    def run(*args: str) -> dict:
        result = CliRunner().invoke(main, ["build", "--json", "--no-cache", *args])
        assert result.exit_code == 0, (result.output, result.stderr)
        return json.loads(result.stdout)

    one = run(str(tmp_path / "a.toml"), "--jobs", "1")
    two = run(str(tmp_path / "b.toml"), "--jobs", "2")
    assert (one["jobs"], two["jobs"]) == (1, 2)
    assert one["posts_extracted"] == two["posts_extracted"] == 3
    a = (tmp_path / "a.jsonl").read_text(encoding="utf-8")
    assert a and a == (tmp_path / "b.jsonl").read_text(encoding="utf-8")


def post(words: int, title: str = "t") -> Post:
    return Post(title=title, url=f"https://x.example/{title}", body="word " * words)


def test_default_jobs_is_one_for_little_work_else_up_to_four(monkeypatch):
    monkeypatch.setattr(extraction_pool, "cpu_count", lambda: 8)
    assert extraction_pool.default_jobs([post(50_000)] * 3) == 1          # too few posts
    assert extraction_pool.default_jobs([post(1_000)] * 10) == 1          # too few words
    assert extraction_pool.default_jobs([post(5_000)] * 10) == 4          # min(CPUs, 4)
    monkeypatch.setattr(extraction_pool, "cpu_count", lambda: 2)
    assert extraction_pool.default_jobs([post(5_000)] * 10) == 2
    assert extraction_pool.resolve_jobs(3, [post(10)] * 10) == 3          # as asked...
    assert extraction_pool.resolve_jobs(8, [post(10)] * 2) == 2           # ...but never more than posts
    assert extraction_pool.resolve_jobs(None, []) == 1


def test_chunks_hold_every_post_once_with_similar_sizes():
    posts = [post(n, f"p{n}") for n in (900, 100, 500, 400, 300, 200, 800, 50)]
    chunks = extraction_pool._chunks(posts, 2)
    assert sorted(p.title for c in chunks for p in c) == sorted(p.title for p in posts)
    assert len(chunks) == 6
    sizes = [sum(len(p.body) for p in c) for c in chunks]
    assert sizes == sorted(sizes, reverse=True)  # biggest first: started first
